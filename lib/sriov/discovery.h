// Discovery: what SR-IOV hardware exists under a sysfs root, read fresh on
// every call (sysfs is the truth for what exists; nothing is cached here).
//
//   SysfsRoot sysfs("/sys");
//   FTA_ASSIGN_OR_RETURN(Inventory inventory, Discover(sysfs));
//   for (const PhysicalFunction& pf : inventory.pfs) ...
//
// A physical function is any PCI function with sriov_totalvfs
// (bus/pci/devices/<bdf>/); its VFs are its virtfnN links. For each function
// we read vendor/device, the driver link, numa_node and the iommu_group link
// (and whether other devices share the group), its InfiniBand device (the
// class/infiniband/<dev>/device link pointing at it) with ports, and its
// netdevs (class/net/<if>/device). Families: mlx5 (ConnectX-4 and later,
// VFs through sriov_numvfs, GUIDs in the PF's sriov/<vf>/{node,port}), mlx4
// (ConnectX-3: VFs from module parameters, GUIDs in the IB device's iov/
// tables) and generic (any other SR-IOV device, no GUID handling).
//
// A malformed or unreadable attribute of one PF does not hide the others:
// that PF carries `error` (naming the file) and no VFs; callers decide
// whether it matters (the pool refuses to manage it).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/sriov/sysfs.h"

namespace fta::sriov {

enum class Family { kMlx5, kMlx4, kGeneric };
std::string FamilyName(Family family);  // "mlx5", "mlx4", "generic"
// The kernel driver of the family's functions on the host ("mlx5_core"; ""
// for kGeneric): a VF bound to it is the host's, not passed through.
std::string HostDriver(Family family);

struct IbPort {
  int number = 0;
  std::string state;       // "ACTIVE" (from "4: ACTIVE"), "DOWN", ...
  std::string phys_state;  // "LinkUp", "Disabled", ...
  std::string rate;        // "100 Gb/sec (4X EDR)"
  double rate_gbps = 0;    // 100
  std::string link_layer;  // "InfiniBand" | "Ethernet"
  int64_t lid = 0;
  std::string port_guid;  // interface id of gids/0 ("" when absent)
  // counters/port_{xmit,rcv}_data count 4-byte words; these are bytes.
  // -1 when the counter is missing.
  int64_t xmit_bytes = -1;
  int64_t rcv_bytes = -1;
  bool active() const { return state == "ACTIVE"; }
};

struct IbDevice {
  std::string name;           // "mlx5_0"
  std::string node_guid;      // as sysfs spells it
  std::vector<IbPort> ports;  // by port number
  bool all_ports_active() const;
  // The first port that reports a rate (the link the device's traffic
  // crosses); nullptr when none does.
  const IbPort* first_rated_port() const;
};

struct PciFunction {
  std::string address;  // "0000:03:00.0"
  std::string path;     // relative to the root: "devices/pci0000:00/0000:03:00.0"
  int64_t vendor = 0;   // 0x15b3
  int64_t device = 0;   // 0x1017
  std::string driver;   // "mlx5_core", "vfio-pci", "" when unbound
  int numa_node = -1;
  int iommu_group = -1;                  // -1 when there is no IOMMU group
  std::vector<std::string> iommu_peers;  // other devices in the same group
  std::optional<IbDevice> ib;
  std::vector<std::string> netdevs;
};

struct VirtualFunction {
  PciFunction pci;
  int index = 0;  // N of the PF's virtfnN
  std::string pf_address;
  // GUIDs the PF's driver has for this VF (mlx5 sriov/<vf>/node|port, mlx4
  // admin_guids at the VF's gid_idx); "" when unknown.
  std::string node_guid;
  std::string port_guid;
  // mlx4: the VF's index into the port's GUID table (iov/<vf>/ports/1/gid_idx/0).
  int mlx4_gid_index = -1;
};

struct Mlx4ModuleParameters {
  std::string num_vfs;  // /sys/module/mlx4_core/parameters/num_vfs
  std::string probe_vf;
  std::string port_type_array;
};

struct PhysicalFunction {
  PciFunction pci;
  Family family = Family::kGeneric;
  int total_vfs = 0;
  int num_vfs = 0;
  std::vector<VirtualFunction> vfs;  // by index
  std::optional<Mlx4ModuleParameters> mlx4;
  std::string error;  // non-empty: this PF could not be read (names the file)
};

struct Inventory {
  std::vector<PhysicalFunction> pfs;  // by PCI address
  const PhysicalFunction* FindPf(const std::string& address) const;
  // The VF with this PCI address and its PF, or nullptrs.
  std::pair<const PhysicalFunction*, const VirtualFunction*> FindVf(const std::string& address) const;
};

// Relative sysfs path of a PCI function's directory by address.
std::string PciDevicePath(const std::string& address);  // "bus/pci/devices/<bdf>"

absl::StatusOr<Inventory> Discover(const SysfsRoot& sysfs);

// Reads one function (used by Discover and to re-check a VF just before it
// is handed out). NOT_FOUND naming the path when it vanished.
absl::StatusOr<PciFunction> ReadPciFunction(const SysfsRoot& sysfs, const std::string& address);

}  // namespace fta::sriov
