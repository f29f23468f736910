#include "lib/sriov/discovery.h"

#include <algorithm>
#include <map>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "lib/core/status_macros.h"
#include "lib/sriov/guid.h"

namespace fta::sriov {
namespace {

constexpr int64_t kMellanoxVendor = 0x15b3;

// The families with a driver of their own; anything else is kGeneric.
struct FamilyWords {
  Family family;
  const char* name;
  const char* host_driver;
};
constexpr FamilyWords kFamilyWords[] = {{Family::kMlx5, "mlx5", "mlx5_core"}, {Family::kMlx4, "mlx4", "mlx4_core"}};

const FamilyWords* WordsOf(Family family) {
  for (const FamilyWords& words : kFamilyWords) {
    if (words.family == family) return &words;
  }
  return nullptr;
}

// Who points at which PCI function: class/infiniband/<dev>/device and
// class/net/<if>/device links, read once per discovery.
struct ClassLinks {
  std::map<std::string, std::string> ib_by_address;
  std::map<std::string, std::vector<std::string>> netdevs_by_address;
};

std::string Basename(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

ClassLinks ReadClassLinks(const SysfsRoot& sysfs) {
  ClassLinks links;
  for (const std::string& name : sysfs.List("class/infiniband")) {
    absl::StatusOr<std::string> target = sysfs.Resolve(absl::StrCat("class/infiniband/", name, "/device"));
    if (target.ok()) links.ib_by_address[Basename(*target)] = name;
  }
  for (const std::string& name : sysfs.List("class/net")) {
    absl::StatusOr<std::string> target = sysfs.Resolve(absl::StrCat("class/net/", name, "/device"));
    if (target.ok()) links.netdevs_by_address[Basename(*target)].push_back(name);
  }
  return links;
}

// "4: ACTIVE" -> "ACTIVE"; text without a number is kept as it is.
std::string AfterColon(const std::string& text) {
  size_t colon = text.find(": ");
  return colon == std::string::npos ? text : text.substr(colon + 2);
}

absl::StatusOr<int64_t> ReadOptionalInt(const SysfsRoot& sysfs, const std::string& relative,
                                        int64_t missing) {
  absl::StatusOr<int64_t> value = sysfs.ReadInt(relative);
  if (absl::IsNotFound(value.status())) return missing;
  return value;
}

absl::StatusOr<IbPort> ReadIbPort(const SysfsRoot& sysfs, const std::string& dir, int number) {
  IbPort port;
  port.number = number;
  FTA_ASSIGN_OR_RETURN(std::string state, sysfs.ReadText(dir + "/state"));
  port.state = AfterColon(state);
  absl::StatusOr<std::string> phys = sysfs.ReadText(dir + "/phys_state");
  if (phys.ok()) port.phys_state = AfterColon(*phys);
  absl::StatusOr<std::string> rate = sysfs.ReadText(dir + "/rate");
  if (rate.ok()) {
    port.rate = *rate;
    std::string number_text(absl::StripAsciiWhitespace(rate->substr(0, rate->find(' '))));
    if (!rate->empty() && !absl::SimpleAtod(number_text, &port.rate_gbps)) {
      return absl::InvalidArgumentError(
          absl::StrCat(sysfs.Path(dir + "/rate"), ": malformed rate \"", *rate, "\""));
    }
  }
  absl::StatusOr<std::string> layer = sysfs.ReadText(dir + "/link_layer");
  if (layer.ok()) port.link_layer = *layer;
  absl::StatusOr<std::string> lid = sysfs.ReadText(dir + "/lid");
  if (lid.ok()) {
    uint64_t value = 0;
    std::string digits = absl::StartsWith(*lid, "0x") ? lid->substr(2) : *lid;
    if (!absl::SimpleHexAtoi(digits, &value)) {
      return absl::InvalidArgumentError(
          absl::StrCat(sysfs.Path(dir + "/lid"), ": malformed LID \"", *lid, "\""));
    }
    port.lid = static_cast<int64_t>(value);
  }
  absl::StatusOr<std::string> gid = sysfs.ReadText(dir + "/gids/0");
  if (gid.ok()) {
    // The interface id is the GID's low 64 bits: the port GUID.
    std::vector<std::string> groups = absl::StrSplit(*gid, ':');
    if (groups.size() == 8)
      port.port_guid = absl::StrCat(groups[4], ":", groups[5], ":", groups[6], ":", groups[7]);
  }
  FTA_ASSIGN_OR_RETURN(int64_t xmit_words, ReadOptionalInt(sysfs, dir + "/counters/port_xmit_data", -1));
  FTA_ASSIGN_OR_RETURN(int64_t rcv_words, ReadOptionalInt(sysfs, dir + "/counters/port_rcv_data", -1));
  port.xmit_bytes = xmit_words < 0 ? -1 : xmit_words * 4;
  port.rcv_bytes = rcv_words < 0 ? -1 : rcv_words * 4;
  return port;
}

absl::StatusOr<IbDevice> ReadIbDevice(const SysfsRoot& sysfs, const std::string& name) {
  IbDevice device;
  device.name = name;
  const std::string dir = absl::StrCat("class/infiniband/", name);
  absl::StatusOr<std::string> guid = sysfs.ReadText(dir + "/node_guid");
  if (guid.ok()) device.node_guid = *guid;
  for (const std::string& entry : sysfs.List(dir + "/ports")) {
    int number = 0;
    if (!absl::SimpleAtoi(entry, &number)) continue;
    FTA_ASSIGN_OR_RETURN(IbPort port, ReadIbPort(sysfs, absl::StrCat(dir, "/ports/", entry), number));
    device.ports.push_back(std::move(port));
  }
  std::sort(device.ports.begin(), device.ports.end(),
            [](const IbPort& a, const IbPort& b) { return a.number < b.number; });
  return device;
}

absl::StatusOr<PciFunction> ReadFunction(const SysfsRoot& sysfs, const ClassLinks& links,
                                         const std::string& address) {
  const std::string dir = PciDevicePath(address);
  PciFunction function;
  function.address = address;
  absl::StatusOr<std::string> path = sysfs.Resolve(dir);
  if (!path.ok())
    return absl::NotFoundError(
        absl::StrCat("PCI function ", address, " vanished: ", path.status().message()));
  function.path = *path;
  FTA_ASSIGN_OR_RETURN(function.vendor, sysfs.ReadHex(dir + "/vendor"));
  FTA_ASSIGN_OR_RETURN(function.device, sysfs.ReadHex(dir + "/device"));
  absl::StatusOr<std::string> driver = sysfs.LinkTargetName(dir + "/driver");
  if (driver.ok()) {
    function.driver = *driver;
  } else if (!absl::IsNotFound(driver.status())) {
    return driver.status();
  }
  FTA_ASSIGN_OR_RETURN(int64_t numa, ReadOptionalInt(sysfs, dir + "/numa_node", -1));
  function.numa_node = static_cast<int>(numa);
  absl::StatusOr<std::string> group = sysfs.LinkTargetName(dir + "/iommu_group");
  if (group.ok()) {
    int number = -1;
    if (!absl::SimpleAtoi(*group, &number)) {
      return absl::InvalidArgumentError(
          absl::StrCat(sysfs.Path(dir + "/iommu_group"), ": points at \"", *group, "\", not a group number"));
    }
    function.iommu_group = number;
    for (const std::string& peer : sysfs.List(absl::StrCat("kernel/iommu_groups/", number, "/devices"))) {
      if (peer != address) function.iommu_peers.push_back(peer);
    }
  }
  auto ib = links.ib_by_address.find(address);
  if (ib != links.ib_by_address.end()) {
    FTA_ASSIGN_OR_RETURN(IbDevice device, ReadIbDevice(sysfs, ib->second));
    function.ib = std::move(device);
  }
  auto netdevs = links.netdevs_by_address.find(address);
  if (netdevs != links.netdevs_by_address.end()) function.netdevs = netdevs->second;
  return function;
}

Family FamilyOf(const PciFunction& pf) {
  for (const FamilyWords& words : kFamilyWords) {
    if (pf.driver == words.host_driver) return words.family;
  }
  if (pf.vendor == kMellanoxVendor) {
    if (pf.device == 0x1003 || pf.device == 0x1007) return Family::kMlx4;  // ConnectX-3 (Pro)
    if (pf.device >= 0x1011) return Family::kMlx5;                         // ConnectX-4 and later
  }
  return Family::kGeneric;
}

// mlx5: the PF driver's own record of the VF's GUIDs.
absl::Status ReadMlx5Guids(const SysfsRoot& sysfs, const PhysicalFunction& pf, VirtualFunction& vf) {
  const std::string dir = absl::StrCat(PciDevicePath(pf.pci.address), "/sriov/", vf.index);
  for (auto [file, field] : {std::pair{"node", &vf.node_guid}, std::pair{"port", &vf.port_guid}}) {
    absl::StatusOr<std::string> text = sysfs.ReadText(absl::StrCat(dir, "/", file));
    if (absl::IsNotFound(text.status())) continue;
    if (!text.ok()) return text.status();
    FTA_ASSIGN_OR_RETURN(uint64_t guid, ParseGuid(*text, sysfs.Path(absl::StrCat(dir, "/", file))));
    if (guid != 0) *field = FormatGuidColons(guid);  // 0: never set
  }
  return absl::OkStatus();
}

// mlx4: the VF's GUID index, then the administrative GUID at that index.
absl::Status ReadMlx4Guids(const SysfsRoot& sysfs, const PhysicalFunction& pf, VirtualFunction& vf) {
  if (!pf.pci.ib) return absl::OkStatus();
  const std::string iov = absl::StrCat("class/infiniband/", pf.pci.ib->name, "/iov");
  absl::StatusOr<int64_t> index = sysfs.ReadInt(absl::StrCat(iov, "/", vf.pci.address, "/ports/1/gid_idx/0"));
  if (absl::IsNotFound(index.status())) return absl::OkStatus();
  if (!index.ok()) return index.status();
  vf.mlx4_gid_index = static_cast<int>(*index);
  const std::string admin = absl::StrCat(iov, "/ports/1/admin_guids/", *index);
  absl::StatusOr<std::string> text = sysfs.ReadText(admin);
  if (absl::IsNotFound(text.status())) return absl::OkStatus();
  if (!text.ok()) return text.status();
  FTA_ASSIGN_OR_RETURN(uint64_t guid, ParseGuid(*text, sysfs.Path(admin)));
  if (guid != 0 && guid != ~uint64_t{0}) {
    vf.node_guid = FormatGuidColons(guid);
    vf.port_guid = vf.node_guid;
  }
  return absl::OkStatus();
}

absl::Status ReadPhysicalFunction(const SysfsRoot& sysfs, const ClassLinks& links, PhysicalFunction& pf) {
  const std::string dir = PciDevicePath(pf.pci.address);
  FTA_ASSIGN_OR_RETURN(pf.pci, ReadFunction(sysfs, links, pf.pci.address));
  pf.family = FamilyOf(pf.pci);
  FTA_ASSIGN_OR_RETURN(int64_t total, sysfs.ReadInt(dir + "/sriov_totalvfs"));
  FTA_ASSIGN_OR_RETURN(int64_t enabled, ReadOptionalInt(sysfs, dir + "/sriov_numvfs", 0));
  if (total < 0 || enabled < 0 || enabled > total) {
    return absl::InvalidArgumentError(
        absl::StrCat(sysfs.Path(dir), ": inconsistent sriov_numvfs ", enabled, " / sriov_totalvfs ", total));
  }
  pf.total_vfs = static_cast<int>(total);
  pf.num_vfs = static_cast<int>(enabled);
  if (pf.family == Family::kMlx4) {
    Mlx4ModuleParameters parameters;
    const std::string module = "module/mlx4_core/parameters/";
    for (auto [name, field] :
         {std::pair{"num_vfs", &parameters.num_vfs}, std::pair{"probe_vf", &parameters.probe_vf},
          std::pair{"port_type_array", &parameters.port_type_array}}) {
      absl::StatusOr<std::string> text = sysfs.ReadText(module + name);
      if (text.ok()) *field = *text;
    }
    pf.mlx4 = parameters;
  }
  for (const std::string& entry : sysfs.List(dir)) {
    int index = 0;
    if (!absl::StartsWith(entry, "virtfn") || !absl::SimpleAtoi(entry.substr(6), &index)) continue;
    VirtualFunction vf;
    vf.index = index;
    vf.pf_address = pf.pci.address;
    FTA_ASSIGN_OR_RETURN(std::string address, sysfs.LinkTargetName(absl::StrCat(dir, "/", entry)));
    absl::StatusOr<PciFunction> function = ReadFunction(sysfs, links, address);
    // A VF that vanished between listing and reading is simply not there.
    if (absl::IsNotFound(function.status()) && !sysfs.Exists(PciDevicePath(address))) continue;
    if (!function.ok()) return function.status();
    vf.pci = std::move(*function);
    if (pf.family == Family::kMlx5) FTA_RETURN_IF_ERROR(ReadMlx5Guids(sysfs, pf, vf));
    if (pf.family == Family::kMlx4) FTA_RETURN_IF_ERROR(ReadMlx4Guids(sysfs, pf, vf));
    pf.vfs.push_back(std::move(vf));
  }
  std::sort(pf.vfs.begin(), pf.vfs.end(),
            [](const VirtualFunction& a, const VirtualFunction& b) { return a.index < b.index; });
  return absl::OkStatus();
}

}  // namespace

std::string FamilyName(Family family) {
  const FamilyWords* words = WordsOf(family);
  return words != nullptr ? words->name : "generic";
}

std::string HostDriver(Family family) {
  const FamilyWords* words = WordsOf(family);
  return words != nullptr ? words->host_driver : "";
}

const IbPort* IbDevice::first_rated_port() const {
  for (const IbPort& port : ports) {
    if (port.rate_gbps > 0) return &port;
  }
  return nullptr;
}

bool IbDevice::all_ports_active() const {
  if (ports.empty()) return false;
  for (const IbPort& port : ports) {
    if (!port.active()) return false;
  }
  return true;
}

const PhysicalFunction* Inventory::FindPf(const std::string& address) const {
  for (const PhysicalFunction& pf : pfs) {
    if (pf.pci.address == address) return &pf;
  }
  return nullptr;
}

std::pair<const PhysicalFunction*, const VirtualFunction*> Inventory::FindVf(
    const std::string& address) const {
  for (const PhysicalFunction& pf : pfs) {
    for (const VirtualFunction& vf : pf.vfs) {
      if (vf.pci.address == address) return {&pf, &vf};
    }
  }
  return {nullptr, nullptr};
}

std::string PciDevicePath(const std::string& address) { return "bus/pci/devices/" + address; }

absl::StatusOr<PciFunction> ReadPciFunction(const SysfsRoot& sysfs, const std::string& address) {
  return ReadFunction(sysfs, ReadClassLinks(sysfs), address);
}

absl::StatusOr<Inventory> Discover(const SysfsRoot& sysfs) {
  Inventory inventory;
  ClassLinks links = ReadClassLinks(sysfs);
  for (const std::string& address : sysfs.List("bus/pci/devices")) {
    if (!sysfs.Exists(PciDevicePath(address) + "/sriov_totalvfs")) continue;
    PhysicalFunction pf;
    pf.pci.address = address;
    absl::Status read = ReadPhysicalFunction(sysfs, links, pf);
    if (!read.ok()) {
      pf.error = absl::StrCat("PF ", address, ": ", read.message());
      pf.vfs.clear();
      // Still findable by its names, so a selector reports this error
      // rather than "no such PF".
      auto ib = links.ib_by_address.find(address);
      if (ib != links.ib_by_address.end()) pf.pci.ib = IbDevice{ib->second, "", {}};
      auto netdevs = links.netdevs_by_address.find(address);
      if (netdevs != links.netdevs_by_address.end()) pf.pci.netdevs = netdevs->second;
    }
    inventory.pfs.push_back(std::move(pf));
  }
  return inventory;
}

}  // namespace fta::sriov
