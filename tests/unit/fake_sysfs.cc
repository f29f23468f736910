#include "tests/unit/fake_sysfs.h"

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "lib/core/file_text.h"

namespace fta::testing {

namespace fs = std::filesystem;

namespace {

constexpr int kMellanox = 0x15b3;

struct Ids {
  int vendor, pf_device, vf_device;
  std::string driver;
};

Ids IdsOf(const std::string& family) {
  if (family == "mlx4") return {kMellanox, 0x1003, 0x1004, "mlx4_core"};
  if (family == "mlx5") return {kMellanox, 0x1017, 0x1018, "mlx5_core"};
  return {0x8086, 0x1572, 0x154c, "i40e"};  // an Intel NIC: generic SR-IOV
}

std::string Hex4(int value) { return absl::StrFormat("0x%04x", value); }

}  // namespace

FakeSysfs::FakeSysfs(std::string root) : root_(std::move(root)) {
  for (const char* dir : {"bus/pci/devices", "bus/pci/drivers", "devices/pci0000:00", "kernel/iommu_groups",
                          "class/infiniband", "class/net", "module"}) {
    fs::create_directories(fs::path(root_) / dir);
  }
}

void FakeSysfs::WriteFile(const std::string& relative, const std::string& content) {
  fs::path path = fs::path(root_) / relative;
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::trunc);
  out << content << "\n";
}

std::string FakeSysfs::ReadFile(const std::string& relative) const {
  std::string text = ReadFileOrEmpty((fs::path(root_) / relative).string());
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

void FakeSysfs::Symlink(const std::string& target, const std::string& link) {
  fs::path path = fs::path(root_) / link;
  fs::create_directories(path.parent_path());
  std::error_code ignored;
  fs::remove(path, ignored);
  fs::create_symlink(target, path);
}

std::string FakeSysfs::VfAddress(const std::string& pf_address, int index) {
  // Routing ID = PF's + First VF Offset (1) + index * VF Stride (1), same bus.
  unsigned device = 0, function = 0;
  (void)absl::SimpleHexAtoi(pf_address.substr(8, 2), &device);
  function = static_cast<unsigned>(pf_address[11] - '0');
  unsigned devfn = (device << 3 | function) + 1 + static_cast<unsigned>(index);
  return absl::StrFormat("%s%02x.%d", pf_address.substr(0, 8), devfn >> 3, devfn & 7);
}

int FakeSysfs::IommuGroupOf(const std::string& address) const {
  std::error_code error;
  fs::path target = fs::read_symlink(fs::path(root_) / DevicePath(address) / "iommu_group", error);
  int group = -1;
  if (!error) (void)absl::SimpleAtoi(target.filename().string(), &group);
  return group;
}

void FakeSysfs::AddFunction(const std::string& address, int vendor, int device, const std::string& driver,
                            int numa) {
  const std::string dir = DevicePath(address);
  WriteFile(dir + "/vendor", Hex4(vendor));
  WriteFile(dir + "/device", Hex4(device));
  WriteFile(dir + "/numa_node", absl::StrCat(numa));
  WriteFile(dir + "/class", "0x020700");
  Symlink("../../../devices/pci0000:00/" + address, "bus/pci/devices/" + address);
  int group = next_group_++;
  fs::create_directories(fs::path(root_) / absl::StrCat("kernel/iommu_groups/", group, "/devices"));
  Symlink(absl::StrCat("../../../kernel/iommu_groups/", group), dir + "/iommu_group");
  Symlink("../../../../devices/pci0000:00/" + address,
          absl::StrCat("kernel/iommu_groups/", group, "/devices/", address));
  if (!driver.empty()) Bind(address, driver);
}

void FakeSysfs::Bind(const std::string& address, const std::string& driver) {
  const std::string link = DevicePath(address) + "/driver";
  std::error_code ignored;
  fs::remove(fs::path(root_) / link, ignored);
  if (driver.empty()) return;
  fs::create_directories(fs::path(root_) / "bus/pci/drivers" / driver);
  WriteFile("bus/pci/drivers/" + driver + "/unbind", "");
  WriteFile("bus/pci/drivers/" + driver + "/bind", "");
  Symlink("../../../bus/pci/drivers/" + driver, link);
}

std::string FakeSysfs::DriverOf(const std::string& address) const {
  std::error_code error;
  fs::path target = fs::read_symlink(fs::path(root_) / DevicePath(address) / "driver", error);
  return error ? "" : target.filename().string();
}

void FakeSysfs::JoinIommuGroup(const std::string& address, const std::string& other) {
  int old_group = IommuGroupOf(address);
  int group = IommuGroupOf(other);
  std::error_code ignored;
  fs::remove(fs::path(root_) / absl::StrCat("kernel/iommu_groups/", old_group, "/devices/", address),
             ignored);
  Symlink(absl::StrCat("../../../kernel/iommu_groups/", group), DevicePath(address) + "/iommu_group");
  Symlink("../../../../devices/pci0000:00/" + address,
          absl::StrCat("kernel/iommu_groups/", group, "/devices/", address));
}

void FakeSysfs::AddIbDevice(const std::string& address, const std::string& name, const FakePf& pf,
                            bool mlx4_iov) {
  const std::string dir = DevicePath(address) + "/infiniband/" + name;
  Symlink("../../../" + address, dir + "/device");
  Symlink("../../" + dir, "class/infiniband/" + name);
  unsigned bus = 0;
  (void)absl::SimpleHexAtoi(address.substr(5, 2), &bus);
  std::string guid =
      absl::StrFormat("0002:c903:00%02x:%s", bus, absl::StrReplaceAll(address.substr(8), {{".", "0"}}));
  WriteFile(dir + "/node_guid", guid);
  WriteFile(dir + "/sys_image_guid", guid);
  WriteFile(dir + "/node_type", "1: CA");
  WriteFile(dir + "/fw_ver", pf.family == "mlx4" ? "2.42.5000" : "16.35.2000");
  WriteFile(dir + "/hca_type", pf.family == "mlx4" ? "MT4099" : "MT4119");
  const std::string port = dir + "/ports/1";
  WriteFile(port + "/state", pf.port_state);
  WriteFile(port + "/phys_state", absl::StrContains(pf.port_state, "ACTIVE") ? "5: LinkUp" : "3: Disabled");
  WriteFile(port + "/rate", pf.rate);
  WriteFile(port + "/link_layer", "InfiniBand");
  WriteFile(port + "/lid", "0x12");
  WriteFile(port + "/sm_lid", "0x1");
  std::vector<std::string> groups = absl::StrSplit(guid, ':');
  WriteFile(port + "/gids/0", absl::StrCat("fe80:0000:0000:0000:", absl::StrJoin(groups, ":")));
  WriteFile(port + "/pkeys/0", "0xffff");
  WriteFile(port + "/counters/port_xmit_data", "1000");
  WriteFile(port + "/counters/port_rcv_data", "2000");
  if (!mlx4_iov) return;
  const std::string iov = dir + "/iov";
  for (int n = 0; n < 128; ++n) {
    std::string value = n == 0 ? absl::StrCat("0x", absl::StrReplaceAll(guid, {{":", ""}})) : "0x0";
    WriteFile(absl::StrCat(iov, "/ports/1/gids/", n), value);
    WriteFile(absl::StrCat(iov, "/ports/1/admin_guids/", n), value);
    if (n < 127) WriteFile(absl::StrCat(iov, "/ports/1/pkeys/", n), n == 0 ? "0xffff" : "0x0");
  }
  WriteFile(iov + "/" + address + "/ports/1/gid_idx/0", "0");
  WriteFile(iov + "/" + address + "/ports/1/pkey_idx/0", "0");
}

FakeSysfs::PfState* FakeSysfs::FindPf(const std::string& address) {
  for (PfState& pf : pfs_) {
    if (pf.spec.address == address) return &pf;
  }
  return nullptr;
}

void FakeSysfs::AddPf(const FakePf& spec) {
  Ids ids = IdsOf(spec.family);
  AddFunction(spec.address, ids.vendor, ids.pf_device, ids.driver, spec.numa_node);
  const std::string dir = DevicePath(spec.address);
  WriteFile(dir + "/sriov_totalvfs", absl::StrCat(spec.total_vfs));
  WriteFile(dir + "/sriov_numvfs", "0");
  WriteFile(dir + "/sriov_offset", "1");
  WriteFile(dir + "/sriov_stride", "1");
  WriteFile(dir + "/sriov_vf_device", absl::StrFormat("%04x", ids.vf_device));
  WriteFile(dir + "/sriov_drivers_autoprobe", "1");
  if (!spec.ib_device.empty()) AddIbDevice(spec.address, spec.ib_device, spec, spec.family == "mlx4");
  if (!spec.netdev.empty()) {
    Symlink("../../../" + spec.address, dir + "/net/" + spec.netdev + "/device");
    Symlink("../../" + dir + "/net/" + spec.netdev, "class/net/" + spec.netdev);
  }
  if (spec.family == "mlx4") {
    WriteFile("module/mlx4_core/parameters/num_vfs", absl::StrCat(spec.num_vfs));
    WriteFile("module/mlx4_core/parameters/probe_vf", "0");
    WriteFile("module/mlx4_core/parameters/port_type_array", "1,1");
  }
  pfs_.push_back(PfState{spec, 0});
  SetVfCount(spec.address, spec.num_vfs);
}

void FakeSysfs::AddVf(PfState& pf, int index) {
  Ids ids = IdsOf(pf.spec.family);
  const std::string address = VfAddress(pf.spec.address, index);
  const std::string pf_dir = DevicePath(pf.spec.address);
  AddFunction(address, ids.vendor, ids.vf_device, pf.spec.vf_driver, pf.spec.numa_node);
  Symlink("../" + pf.spec.address, DevicePath(address) + "/physfn");
  Symlink("../" + address, absl::StrCat(pf_dir, "/virtfn", index));
  if (pf.spec.family == "mlx5") {
    const std::string sriov = absl::StrCat(pf_dir, "/sriov/", index);
    WriteFile(sriov + "/node", "00:00:00:00:00:00:00:00");
    WriteFile(sriov + "/port", "00:00:00:00:00:00:00:00");
    WriteFile(sriov + "/policy", "Follow");
    if (!pf.spec.vf_ib_prefix.empty() && pf.spec.vf_driver == "mlx5_core") {
      FakePf vf_port = pf.spec;
      // A VF's port stays DOWN until the SM accepts its GUID.
      vf_port.port_state = "1: DOWN";
      AddIbDevice(address, absl::StrCat(pf.spec.vf_ib_prefix, pf.spec.vf_ib_first + index), vf_port, false);
    }
  }
  if (pf.spec.family == "mlx4" && !pf.spec.ib_device.empty()) {
    const std::string iov =
        absl::StrCat(pf_dir, "/infiniband/", pf.spec.ib_device, "/iov/", address, "/ports/1");
    WriteFile(iov + "/gid_idx/0", absl::StrCat(index + 1));
    // One virtual P_Key index per entry of the table; the driver points
    // index 0 at the default P_Key and the rest at an invalid (0x0) entry.
    for (int n = 0; n < 127; ++n) WriteFile(absl::StrCat(iov, "/pkey_idx/", n), n == 0 ? "0" : "126");
  }
}

void FakeSysfs::RemoveFunction(const std::string& address) {
  std::error_code ignored;
  int group = IommuGroupOf(address);
  fs::remove(fs::path(root_) / absl::StrCat("kernel/iommu_groups/", group, "/devices/", address), ignored);
  for (const std::string& name : {std::string("class/infiniband"), std::string("class/net")}) {
    for (const auto& entry : fs::directory_iterator(fs::path(root_) / name)) {
      fs::path device = fs::canonical(entry.path() / "device", ignored);
      if (!ignored && device.filename() == address) fs::remove(entry.path(), ignored);
      ignored.clear();
    }
  }
  fs::remove_all(fs::path(root_) / DevicePath(address), ignored);
  fs::remove(fs::path(root_) / "bus/pci/devices" / address, ignored);
}

void FakeSysfs::SetVfCount(const std::string& pf_address, int count) {
  PfState* pf = FindPf(pf_address);
  if (pf == nullptr) throw std::runtime_error("no fake PF " + pf_address);
  const std::string pf_dir = DevicePath(pf_address);
  for (int index = count; index < pf->vf_count; ++index) {
    RemoveFunction(VfAddress(pf_address, index));
    std::error_code ignored;
    fs::remove(fs::path(root_) / absl::StrCat(pf_dir, "/virtfn", index), ignored);
    fs::remove_all(fs::path(root_) / absl::StrCat(pf_dir, "/sriov/", index), ignored);
  }
  for (int index = pf->vf_count; index < count; ++index) AddVf(*pf, index);
  pf->vf_count = count;
  WriteFile(pf_dir + "/sriov_numvfs", absl::StrCat(count));
}

void FakeSysfs::AddPlainDevice(const std::string& address, const std::string& driver, int iommu_group) {
  AddFunction(address, 0x144d, 0xa808, driver, 0);  // an NVMe drive
  if (iommu_group < 0) return;
  std::error_code ignored;
  int own = IommuGroupOf(address);
  fs::remove(fs::path(root_) / absl::StrCat("kernel/iommu_groups/", own, "/devices/", address), ignored);
  Symlink(absl::StrCat("../../../kernel/iommu_groups/", iommu_group), DevicePath(address) + "/iommu_group");
  Symlink("../../../../devices/pci0000:00/" + address,
          absl::StrCat("kernel/iommu_groups/", iommu_group, "/devices/", address));
}

void FakeSysfs::SetPortState(const std::string& ib_device, int port, const std::string& state) {
  const std::string dir = absl::StrCat("class/infiniband/", ib_device, "/ports/", port);
  WriteFile(dir + "/state", state);
  WriteFile(dir + "/phys_state", absl::StrContains(state, "ACTIVE") ? "5: LinkUp" : "3: Disabled");
}

absl::Status FakeKernelSysfs::Write(const std::string& relative, const std::string& value) {
  writes_.emplace_back(relative, value);
  if (!fail_suffix_.empty() && absl::EndsWith(relative, fail_suffix_)) {
    fail_suffix_.clear();
    return absl::FailedPreconditionError(
        absl::StrCat("writing \"", value, "\" to ", Path(relative), ": ", fail_error_));
  }
  // bus/pci/drivers/<driver>/{unbind,bind} take a BDF, as the kernel's do.
  if (absl::StartsWith(relative, "bus/pci/drivers/") &&
      (absl::EndsWith(relative, "/unbind") || absl::EndsWith(relative, "/bind"))) {
    std::vector<std::string> parts = absl::StrSplit(relative, '/');
    const std::string& driver = parts[3];
    const bool bind = absl::EndsWith(relative, "/bind");
    const std::string current = tree_->DriverOf(value);
    if (bind ? !current.empty() : current != driver) {
      return absl::FailedPreconditionError(absl::StrCat("writing \"", value, "\" to ", Path(relative), ": ",
                                                        bind ? "Device or resource busy" : "No such device"));
    }
    tree_->Bind(value, bind ? driver : "");
    return absl::OkStatus();
  }
  if (absl::EndsWith(relative, "/sriov_numvfs")) {
    std::string pf = relative.substr(0, relative.size() - std::string("/sriov_numvfs").size());
    pf = pf.substr(pf.rfind('/') + 1);
    int current = 0, total = 0, wanted = 0;
    (void)absl::SimpleAtoi(tree_->ReadFile("bus/pci/devices/" + pf + "/sriov_numvfs"), &current);
    (void)absl::SimpleAtoi(tree_->ReadFile("bus/pci/devices/" + pf + "/sriov_totalvfs"), &total);
    if (!absl::SimpleAtoi(value, &wanted)) {
      return absl::FailedPreconditionError(absl::StrCat("writing to ", Path(relative), ": Invalid argument"));
    }
    if (wanted > total) {
      return absl::FailedPreconditionError(
          absl::StrCat("writing to ", Path(relative), ": Numerical result out of range"));
    }
    if (current != 0 && wanted != 0 && current != wanted) {
      return absl::FailedPreconditionError(
          absl::StrCat("writing to ", Path(relative), ": Device or resource busy"));
    }
    tree_->SetVfCount(pf, wanted);
    return absl::OkStatus();
  }
  return SysfsRoot::Write(relative, value);
}

namespace {

// An mlx5 PF with 8 VFs, `num_vfs` of them enabled.
FakePf Mlx5Pf(const std::string& address, const std::string& ib_device, const std::string& netdev, int num_vfs) {
  FakePf pf;
  pf.address = address;
  pf.ib_device = ib_device;
  pf.netdev = netdev;
  pf.total_vfs = 8;
  pf.num_vfs = num_vfs;
  return pf;
}

}  // namespace

void BuildSingleMlx5(FakeSysfs& tree) {
  FakePf pf = Mlx5Pf("0000:03:00.0", "mlx5_0", "ib0", 8);
  pf.vf_ib_prefix = "mlx5_";
  tree.AddPf(pf);
}

void BuildTwoNumaMlx5(FakeSysfs& tree) {
  for (int node : {0, 1}) {
    FakePf pf = node == 0 ? Mlx5Pf("0000:03:00.0", "mlx5_0", "ib0", 4) : Mlx5Pf("0000:81:00.0", "mlx5_1", "ib1", 4);
    pf.numa_node = node;
    pf.vf_driver = "";
    tree.AddPf(pf);
  }
}

void BuildMlx4(FakeSysfs& tree) {
  FakePf pf;
  pf.address = "0000:05:00.0";
  pf.family = "mlx4";
  pf.ib_device = "mlx4_0";
  pf.netdev = "ib0";
  pf.total_vfs = 63;
  pf.num_vfs = 4;
  pf.rate = "56 Gb/sec (4X FDR)";
  pf.vf_driver = "";
  tree.AddPf(pf);
}

}  // namespace fta::testing
