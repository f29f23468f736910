// Fake sysfs trees for SR-IOV tests, in the kernel's exact layout with real
// symlinks (no SR-IOV hardware exists on build machines):
//
//   bus/pci/devices/<bdf>            -> ../../../devices/pci0000:00/<bdf>
//   devices/pci0000:00/<bdf>/{vendor,device,numa_node,sriov_totalvfs,sriov_numvfs,...}
//   devices/pci0000:00/<pf>/virtfnN  -> ../<vf bdf>       <vf>/physfn -> ../<pf bdf>
//   devices/pci0000:00/<bdf>/driver  -> ../../../bus/pci/drivers/<name>
//   devices/pci0000:00/<bdf>/iommu_group -> ../../../kernel/iommu_groups/N
//   kernel/iommu_groups/N/devices/<bdf> -> ../../../../devices/pci0000:00/<bdf>
//   class/infiniband/<dev>           -> ../../devices/pci0000:00/<bdf>/infiniband/<dev>
//   .../infiniband/<dev>/device      -> ../../../<bdf>
//   .../infiniband/<dev>/ports/1/{state,phys_state,rate,link_layer,lid,gids/0,counters/...}
//   class/net/<if>                   -> ../../devices/pci0000:00/<bdf>/net/<if>
//   mlx5 PF: <pf>/sriov/<vf>/{node,port,policy}
//   mlx4 PF: infiniband/mlx4_0/iov/ports/1/{gids,admin_guids}/0..127, pkeys/0..126,
//            iov/<bdf>/ports/1/{gid_idx/0,pkey_idx/0..}; module/mlx4_core/parameters/*
//
//   FakeSysfs tree(dir);
//   tree.AddPf({.address = "0000:03:00.0", .ib_device = "mlx5_0", .total_vfs = 8, .num_vfs = 8});
//   FakeKernelSysfs sysfs(tree);    // a SysfsRoot that records writes and plays the kernel
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "lib/sriov/sysfs.h"

namespace fta::testing {

struct FakePf {
  std::string address = "0000:03:00.0";
  std::string family = "mlx5";  // "mlx5" | "mlx4" | "generic"
  std::string ib_device;        // "" = none
  std::string netdev;           // "" = none
  int total_vfs = 8;
  int num_vfs = 8;
  int numa_node = 0;
  std::string port_state = "4: ACTIVE";
  std::string rate = "100 Gb/sec (4X EDR)";
  // Driver of the VFs ("" = unbound). VFs bound to mlx5_core get their own
  // IB device "<vf_ib_prefix><n>" when vf_ib_prefix is set.
  std::string vf_driver = "mlx5_core";
  std::string vf_ib_prefix;
  int vf_ib_first = 1;
};

class FakeSysfs {
 public:
  explicit FakeSysfs(std::string root);
  const std::string& root() const { return root_; }

  void AddPf(const FakePf& pf);
  // A non-SR-IOV function (e.g. an NVMe drive), optionally in an existing group.
  void AddPlainDevice(const std::string& address, const std::string& driver, int iommu_group = -1);
  // What the kernel does when sriov_numvfs is written.
  void SetVfCount(const std::string& pf_address, int count);
  void Bind(const std::string& address, const std::string& driver);
  // The driver bound to `address` ("" when none).
  std::string DriverOf(const std::string& address) const;
  // Moves `address` into the IOMMU group of `other`.
  void JoinIommuGroup(const std::string& address, const std::string& other);
  void SetPortState(const std::string& ib_device, int port, const std::string& state);
  // The function disappears (hot unplug, PF reset).
  void RemoveFunction(const std::string& address);
  void WriteFile(const std::string& relative, const std::string& content);
  std::string ReadFile(const std::string& relative) const;

  static std::string VfAddress(const std::string& pf_address, int index);
  int IommuGroupOf(const std::string& address) const;

 private:
  struct PfState {
    FakePf spec;
    int vf_count = 0;
  };
  std::string DevicePath(const std::string& address) const { return "devices/pci0000:00/" + address; }
  void Symlink(const std::string& target, const std::string& link);
  void AddFunction(const std::string& address, int vendor, int device, const std::string& driver, int numa);
  void AddIbDevice(const std::string& address, const std::string& name, const FakePf& pf, bool mlx4_iov);
  void AddVf(PfState& pf, int index);
  PfState* FindPf(const std::string& address);

  std::string root_;
  int next_group_ = 10;
  std::vector<PfState> pfs_;
};

// A SysfsRoot over a FakeSysfs that records every write (file relative to
// the root, value) and answers sriov_numvfs writes the way the kernel does:
// EBUSY when changing a non-zero count to another non-zero one, ERANGE above
// sriov_totalvfs, otherwise the VFs appear or vanish.
class FakeKernelSysfs : public sriov::SysfsRoot {
 public:
  explicit FakeKernelSysfs(FakeSysfs* tree) : SysfsRoot(tree->root()), tree_(tree) {}
  absl::Status Write(const std::string& relative, const std::string& value) override;
  const std::vector<std::pair<std::string, std::string>>& writes() const { return writes_; }
  // The next write to a file ending in `suffix` fails with `error`.
  void FailNextWrite(std::string suffix, std::string error) {
    fail_suffix_ = std::move(suffix);
    fail_error_ = std::move(error);
  }

 private:
  FakeSysfs* tree_;
  std::vector<std::pair<std::string, std::string>> writes_;
  std::string fail_suffix_, fail_error_;
};

// The layouts the tests use, each in its own directory under `root`.
// One mlx5 PF 0000:03:00.0 (mlx5_0, ib0, NUMA 0) with 8 VFs bound to
// mlx5_core (IB devices mlx5_1..mlx5_8).
void BuildSingleMlx5(FakeSysfs& tree);
// Two mlx5 PFs on two NUMA nodes: 0000:03:00.0 (mlx5_0, node 0) and
// 0000:81:00.0 (mlx5_1, node 1), 4 VFs each, unbound.
void BuildTwoNumaMlx5(FakeSysfs& tree);
// A ConnectX-3 PF 0000:05:00.0 (mlx4_0) with 4 VFs from module parameters
// and iov GUID/P_Key tables.
void BuildMlx4(FakeSysfs& tree);

}  // namespace fta::testing
