#include "lib/sriov/vf_pool.h"

#include <algorithm>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "lib/core/status_macros.h"
#include "lib/sriov/guid.h"
#include "lib/sriov/pkeys.h"

namespace fta::sriov {

std::string UnusableReason(const PhysicalFunction& pf, const VirtualFunction& vf) {
  if (!vf.pci.iommu_peers.empty()) {
    return absl::StrCat("IOMMU group ", vf.pci.iommu_group, " is shared with ",
                        absl::StrJoin(vf.pci.iommu_peers, ", "), ": it cannot be passed through alone");
  }
  const std::string& driver = vf.pci.driver;
  if (!driver.empty() && driver != "vfio-pci" && driver != HostDriver(pf.family)) {
    std::string expected =
        HostDriver(pf.family).empty() ? "vfio-pci" : HostDriver(pf.family) + " or vfio-pci";
    return absl::StrCat("bound to ", driver, " (not ", expected, "): held by someone else");
  }
  return "";
}

bool HealthyPorts(const PhysicalFunction& pf, const VirtualFunction& vf) {
  if (pf.pci.ib && !pf.pci.ib->all_ports_active()) return false;
  if (vf.pci.ib && !vf.pci.ib->all_ports_active()) return false;
  return true;
}

absl::StatusOr<std::unique_ptr<VfPool>> VfPool::Create(SysfsRoot* sysfs, Options options,
                                                       std::vector<std::string>* notes) {
  // Input first: nothing is written when the configuration is wrong.
  uint32_t prefix = 0;
  if (!options.guid_prefix.empty()) {
    FTA_ASSIGN_OR_RETURN(prefix, ParseGuidPrefix(options.guid_prefix));
  }
  FTA_ASSIGN_OR_RETURN(std::vector<uint16_t> pkeys, ParsePkeys(options.pkeys));
  if (options.num_vfs > 0 && options.pfs.empty()) {
    return absl::InvalidArgumentError("sriov.num_vfs: set sriov.pfs too (which PFs get that many VFs)");
  }
  FTA_ASSIGN_OR_RETURN(Inventory inventory, Discover(*sysfs));
  for (const PhysicalFunction& pf : inventory.pfs) {
    if (!pf.error.empty()) notes->push_back(absl::StrCat("not managed: ", pf.error));
  }
  FTA_ASSIGN_OR_RETURN(std::vector<ManagedPf> managed, ResolveSelectors(options.pfs, inventory, *sysfs));

  if (options.num_vfs > 0 && options.clock == nullptr) {
    return absl::FailedPreconditionError("VfPool::Options.clock: needed to wait for VFs after sriov.num_vfs");
  }
  std::vector<std::string> numvfs_notes;
  if (options.num_vfs > 0) {
    FTA_ASSIGN_OR_RETURN(numvfs_notes,
                         SetNumVfs(*sysfs, inventory, managed, options.num_vfs, options.settle, *options.clock));
  }
  notes->insert(notes->end(), numvfs_notes.begin(), numvfs_notes.end());
  if (options.num_vfs > 0) {
    FTA_ASSIGN_OR_RETURN(inventory, Discover(*sysfs));
  }

  if (!options.guid_prefix.empty()) {
    FTA_ASSIGN_OR_RETURN(std::vector<GuidAssignment> guids, AssignGuids(*sysfs, inventory, managed, prefix));
    int written = 0;
    for (const GuidAssignment& guid : guids) written += guid.written ? 1 : 0;
    notes->push_back(absl::StrCat("GUIDs from prefix ", options.guid_prefix, ": ", guids.size(), " VF(s), ",
                                  written, " changed"));
  }
  FTA_ASSIGN_OR_RETURN(std::vector<std::string> pkey_notes, AssignPkeys(*sysfs, inventory, managed, pkeys));
  notes->insert(notes->end(), pkey_notes.begin(), pkey_notes.end());
  std::unique_ptr<VfPool> pool(new VfPool(sysfs, std::move(managed)));
  std::lock_guard<std::mutex> lock(pool->mu_);
  FTA_ASSIGN_OR_RETURN(std::unique_ptr<Snapshot> snapshot, pool->DescribeLocked());
  pool->managed_count_ = snapshot->managed;
  return pool;
}

const ManagedPf* VfPool::FindManaged(const std::string& pf_address) const {
  for (const ManagedPf& pf : managed_) {
    if (pf.address == pf_address) return &pf;
  }
  return nullptr;
}

absl::StatusOr<std::unique_ptr<VfPool::Snapshot>> VfPool::DescribeLocked() {
  auto snapshot = std::make_unique<Snapshot>();
  FTA_ASSIGN_OR_RETURN(snapshot->inventory, Discover(*sysfs_));
  for (const ManagedPf& pf : managed_) snapshot->managed_pfs.push_back(pf.address);
  std::map<std::string, std::string> owners = owners_;
  for (const PhysicalFunction& pf : snapshot->inventory.pfs) {
    const ManagedPf* selected = pf.error.empty() ? FindManaged(pf.pci.address) : nullptr;
    for (const VirtualFunction& vf : pf.vfs) {
      VfView view;
      view.pf = &pf;
      view.vf = &vf;
      view.managed = selected != nullptr && selected->Includes(vf.index);
      auto owner = owners.find(vf.pci.address);
      if (owner != owners.end()) {
        view.owner = owner->second;
        owners.erase(owner);
      }
      view.unusable = UnusableReason(pf, vf);
      view.healthy = HealthyPorts(pf, vf);
      view.guid_state = GuidAcceptance(*sysfs_, pf, vf);
      if (view.managed) {
        ++snapshot->managed;
        if (!view.owner.empty()) {
          ++snapshot->used;
        } else if (view.unusable.empty()) {
          ++snapshot->free;
        } else {
          ++snapshot->unusable;
        }
      } else if (!view.owner.empty()) {
        ++snapshot->used;  // held from an earlier configuration: still in use
      }
      snapshot->vfs.push_back(view);
    }
  }
  for (const auto& [vf, owner] : owners)
    snapshot->vanished.push_back(absl::StrCat(vf, " (held by ", owner, ")"));
  return snapshot;
}

absl::StatusOr<std::unique_ptr<VfPool::Snapshot>> VfPool::Describe() {
  std::lock_guard<std::mutex> lock(mu_);
  return DescribeLocked();
}

absl::StatusOr<std::string> VfPool::Allocate(const std::string& owner, int preferred_numa_node) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [vf, holder] : owners_) {
    if (holder == owner) return absl::FailedPreconditionError(absl::StrCat(owner, " already holds VF ", vf));
  }
  FTA_ASSIGN_OR_RETURN(std::unique_ptr<Snapshot> snapshot, DescribeLocked());
  std::map<std::string, int> used_per_pf;
  for (const VfView& view : snapshot->vfs) {
    if (!view.owner.empty()) ++used_per_pf[view.pf->pci.address];
  }
  std::vector<const VfView*> candidates;
  std::vector<std::string> reasons;
  for (const VfView& view : snapshot->vfs) {
    if (!view.managed || !view.owner.empty()) continue;
    if (!view.unusable.empty()) {
      reasons.push_back(absl::StrCat(view.vf->pci.address, ": ", view.unusable));
      continue;
    }
    candidates.push_back(&view);
  }
  auto rank = [&](const VfView* view) {
    int numa = view->vf->pci.numa_node;
    bool preferred = preferred_numa_node >= 0 && numa == preferred_numa_node;
    bool local = numa == view->pf->pci.numa_node;
    return std::make_tuple(view->healthy ? 0 : 1, preferred ? 0 : 1, local ? 0 : 1,
                           used_per_pf[view->pf->pci.address], view->pf->pci.address, view->vf->index);
  };
  std::sort(candidates.begin(), candidates.end(),
            [&](const VfView* a, const VfView* b) { return rank(a) < rank(b); });
  for (const VfView* candidate : candidates) {
    // The VF may vanish between discovery and now (numvfs rewritten, PF
    // reset): check its physfn link once more before handing it out.
    const std::string& address = candidate->vf->pci.address;
    if (!sysfs_->Exists(PciDevicePath(address) + "/physfn")) {
      reasons.push_back(absl::StrCat(address, ": vanished (",
                                     sysfs_->Path(PciDevicePath(address) + "/physfn"), " is gone)"));
      continue;
    }
    owners_[address] = owner;
    return address;
  }
  if (reasons.size() > 4) reasons.resize(4);
  return absl::ResourceExhaustedError(
      absl::StrCat("no free VF for ", owner, ": ", snapshot->managed, " managed under ", sysfs_->root(), ", ",
                   snapshot->used, " in use, ", snapshot->unusable, " unusable", reasons.empty() ? "" : " (",
                   absl::StrJoin(reasons, "; "), reasons.empty() ? "" : ")"));
}

absl::Status VfPool::Release(const std::string& vf, const std::string& owner) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = owners_.find(vf);
  if (it == owners_.end()) return absl::NotFoundError(absl::StrCat("VF ", vf, " is not held by anyone"));
  if (it->second != owner) {
    return absl::FailedPreconditionError(
        absl::StrCat("VF ", vf, " is held by ", it->second, ", not ", owner));
  }
  owners_.erase(it);
  return absl::OkStatus();
}

absl::Status VfPool::Restore(const std::string& vf, const std::string& owner) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = owners_.find(vf);
  if (it != owners_.end() && it->second != owner) {
    return absl::FailedPreconditionError(
        absl::StrCat("VF ", vf, " is held by ", it->second, ", not ", owner));
  }
  // Recorded even when the VF is gone: should it come back, it is still
  // this owner's and never handed to another.
  owners_[vf] = owner;
  if (!Exists(vf)) {
    return absl::NotFoundError(absl::StrCat("VF ", vf, " no longer exists (",
                                            sysfs_->Path(PciDevicePath(vf) + "/physfn"), " is gone)"));
  }
  return absl::OkStatus();
}

std::map<std::string, std::string> VfPool::Owners() {
  std::lock_guard<std::mutex> lock(mu_);
  return owners_;
}

bool VfPool::Exists(const std::string& vf) const { return sysfs_->Exists(PciDevicePath(vf) + "/physfn"); }

int VfPool::ManagedCount() {
  std::lock_guard<std::mutex> lock(mu_);
  return managed_count_;
}

}  // namespace fta::sriov
