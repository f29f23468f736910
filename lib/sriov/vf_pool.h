// VfPool: the managed VFs of this host and who holds each.
//
//   FTA_ASSIGN_OR_RETURN(std::unique_ptr<VfPool> pool, VfPool::Create(&sysfs, options, &notes));
//   FTA_ASSIGN_OR_RETURN(std::string vf, pool->Allocate("fta-3"));   // "0000:03:00.2"
//   pool->Release(vf, "fta-3");
//
// Create discovers the hardware, resolves sriov.pfs, sets sriov_numvfs and
// the VFs' GUIDs. The pool holds no copy of the hardware: Allocate and
// Describe read sysfs again, so a VF that vanished is never handed out, and
// `vf list` shows what exists now. Ownership (VF -> FTA) lives in memory
// here and durably in the store (FtaManager writes it in the FTA's
// transaction and restores it at start).
//
// Allocate picks, among managed VFs that nobody holds and that can be
// passed through alone: healthy ports first (the PF's IB ports ACTIVE, and
// the VF's own port when the host driver has it), then the preferred NUMA
// node, then VFs on the same node as their PF, then the PF with the fewest
// VFs in use (spreading load over links), then by address. Skipped: VFs
// whose IOMMU group holds other devices and VFs bound to a driver other than
// the PF family's host driver or vfio-pci (someone else's). Thread-safe.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lib/sriov/configure.h"
#include "lib/sriov/discovery.h"
#include "lib/sriov/selector.h"
#include "lib/sriov/sysfs.h"

namespace fta::sriov {

class VfPool {
 public:
  struct Options {
    std::vector<std::string> pfs;               // sriov.pfs selectors; empty: PFs with VFs enabled
    int num_vfs = 0;                            // sriov.num_vfs; 0: leave sriov_numvfs alone
    std::string guid_prefix;                    // sriov.guid_prefix; "": leave GUIDs alone
    std::vector<std::string> pkeys;             // sriov.pkeys (pkeys.h); empty: leave P_Keys alone
    absl::Duration settle = absl::Seconds(30);  // wait for VFs after a numvfs write
    const Clock* clock = nullptr;               // not owned; the settle deadline (needed with num_vfs)
  };

  // `sysfs` is not owned. `notes` gets what an operator should know (mlx4
  // module parameter lines, GUIDs written, PFs that could not be read).
  // Errors are configuration or hardware errors naming the key/device/file;
  // nothing has been changed in sysfs when one is returned for bad input.
  static absl::StatusOr<std::unique_ptr<VfPool>> Create(SysfsRoot* sysfs, Options options,
                                                        std::vector<std::string>* notes);

  // One VF for `owner`. RESOURCE_EXHAUSTED when none is free and usable,
  // saying how many are managed, held and unusable (and why).
  absl::StatusOr<std::string> Allocate(const std::string& owner, int preferred_numa_node = -1);
  // Releasing a VF `owner` does not hold is FAILED_PRECONDITION naming the
  // holder; releasing an unknown one is NOT_FOUND.
  absl::Status Release(const std::string& vf, const std::string& owner);
  // Daemon start: the store says `owner` holds `vf`. FAILED_PRECONDITION
  // when another owner holds it already. Otherwise recorded, even when the
  // VF does not exist any more (then NOT_FOUND naming the file: its FTA is
  // degraded, and the VF stays its own should it come back) or is no longer
  // managed (config changed), so nothing is handed out twice.
  absl::Status Restore(const std::string& vf, const std::string& owner);

  // Every SR-IOV VF under the root, managed or not, as it is now.
  struct VfView {
    const PhysicalFunction* pf = nullptr;  // into `inventory`
    const VirtualFunction* vf = nullptr;
    bool managed = false;
    std::string owner;       // FTA holding it, "" when free
    std::string unusable;    // why it is skipped, "" when usable
    std::string guid_state;  // GuidAcceptance
    bool healthy = false;
  };
  struct Snapshot {
    Inventory inventory;
    std::vector<VfView> vfs;  // by PF, then index
    std::vector<std::string> managed_pfs;
    int managed = 0, used = 0, free = 0, unusable = 0;
    std::vector<std::string> vanished;  // held VFs that no longer exist
  };
  absl::StatusOr<std::unique_ptr<Snapshot>> Describe();

  // Ownership as recorded here: VF address -> owner.
  std::map<std::string, std::string> Owners();
  // Whether the VF exists in sysfs now (its physfn link).
  bool Exists(const std::string& vf) const;
  // Managed VFs when the pool was created (capacity for FTAs).
  int ManagedCount();
  const std::string& sysfs_root() const { return sysfs_->root(); }

 private:
  VfPool(SysfsRoot* sysfs, std::vector<ManagedPf> managed) : sysfs_(sysfs), managed_(std::move(managed)) {}
  absl::StatusOr<std::unique_ptr<Snapshot>> DescribeLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  const ManagedPf* FindManaged(const std::string& pf_address) const;

  SysfsRoot* sysfs_;
  const std::vector<ManagedPf> managed_;
  std::mutex mu_;
  std::map<std::string, std::string> owners_ ABSL_GUARDED_BY(mu_);
  int managed_count_ ABSL_GUARDED_BY(mu_) = 0;
};

// Why a free VF cannot be handed out ("" when it can).
std::string UnusableReason(const PhysicalFunction& pf, const VirtualFunction& vf);
// Ports of the PF's IB device all ACTIVE (no IB device: true), and the VF's
// own ports when it has an IB device.
bool HealthyPorts(const PhysicalFunction& pf, const VirtualFunction& vf);

}  // namespace fta::sriov
