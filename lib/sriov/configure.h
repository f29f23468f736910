// Configuring managed PFs: how many VFs they have and the VFs' GUIDs.
//
//   FTA_ASSIGN_OR_RETURN(std::vector<std::string> notes,
//                        SetNumVfs(sysfs, inventory, managed, /*num_vfs=*/8, absl::Seconds(30), clock));
//   FTA_ASSIGN_OR_RETURN(std::vector<GuidAssignment> guids,
//                        AssignGuids(sysfs, inventory, managed, prefix));
//
// numvfs (mlx5 and generic PCI): the kernel refuses to change a non-zero
// sriov_numvfs except to 0 (EBUSY), so a change writes "0" first, then N.
// Everything is checked before the first write (the PF exists and was
// readable, N <= sriov_totalvfs, the configured VF ranges fit into N), and a
// failed write restores the PFs already changed, so an error leaves the
// hardware as it was. mlx4 (ConnectX-3) takes its VF count from mlx4_core
// module parameters only: no write, a note with the exact modprobe line.
//
// GUIDs: mlx5 through the PF's sriov/<vf>/node and port files, mlx4 through
// iov/ports/1/admin_guids/<the VF's gid_idx>; generic devices have none. An
// mlx5 VF bound to mlx5_core on the host is unbound first and bound again
// after (its driver reads the GUIDs when it binds); one bound to vfio-pci
// (a guest's) is left bound and takes them at its next reset.
// Only changed values are written. Whether the subnet manager accepted a
// GUID is read back (see GuidAcceptance).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lib/core/clock.h"
#include "lib/sriov/discovery.h"
#include "lib/sriov/selector.h"
#include "lib/sriov/sysfs.h"

namespace fta::sriov {

// Returns one note per PF that needs an operator (mlx4). `num_vfs` <= 0
// leaves every PF alone. After writing, waits up to `settle` for the kernel
// to create the virtfnN links, the deadline read from `clock`.
absl::StatusOr<std::vector<std::string>> SetNumVfs(SysfsRoot& sysfs, const Inventory& inventory,
                                                   const std::vector<ManagedPf>& managed, int num_vfs,
                                                   absl::Duration settle, const Clock& clock);

// The modprobe.d line that gives an mlx4 PF `num_vfs` VFs, none probed by
// the host (they are for guests):
// "options mlx4_core num_vfs=0000:03:00.0-4 probe_vf=0000:03:00.0-0".
std::string Mlx4ModprobeLine(const std::string& pf_address, int num_vfs);

struct GuidAssignment {
  std::string vf_address;
  uint64_t node_guid = 0;
  uint64_t port_guid = 0;
  bool written = false;    // false: sysfs already had these values
  std::string acceptance;  // see GuidAcceptance
};

// Assigns every managed mlx5/mlx4 VF its derived GUIDs (guid.h).
// FAILED_PRECONDITION naming the file when the driver's GUID interface is
// missing; a collision between two VFs (PFs that differ only in PCI domain)
// is refused before anything is written.
absl::StatusOr<std::vector<GuidAssignment>> AssignGuids(SysfsRoot& sysfs, const Inventory& inventory,
                                                        const std::vector<ManagedPf>& managed,
                                                        uint32_t prefix);

// Whether the fabric accepted the VF's GUID:
//   "accepted"    mlx4: gids/<idx> equals admin_guids/<idx>; mlx5: the VF's
//                 own IB device reports this node GUID and an ACTIVE port
//   "pending"     requested but not (yet) live: the SM has not accepted it
//   "unverified"  mlx5 VF not bound to the host driver (checked in the guest)
//   "unset"       no GUID requested
//   "-"           generic device, no GUIDs
std::string GuidAcceptance(const SysfsRoot& sysfs, const PhysicalFunction& pf, const VirtualFunction& vf);

}  // namespace fta::sriov
