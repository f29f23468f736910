// FtaManager and the VF pool: every guest FTA gets a VF when the pool has
// any, the store records who holds which VF in the FTA row's transaction,
// and reconcile repairs what a crash or a hardware change left behind.
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "lib/core/status_macros.h"
#include "lib/fleet/fta_manager.h"
#include "spdlog/spdlog.h"

namespace fta::hostd {

using fta::v1::Fta;

bool FtaManager::UsesVfs() const { return vf_pool_ != nullptr && vf_pool_->ManagedCount() > 0; }

absl::Status FtaManager::CheckVfCapacity(int count) {
  if (!UsesVfs()) return absl::OkStatus();
  FTA_ASSIGN_OR_RETURN(std::unique_ptr<sriov::VfPool::Snapshot> snapshot, vf_pool_->Describe());
  if (snapshot->free >= count) return absl::OkStatus();
  return absl::ResourceExhaustedError(
      absl::StrCat("count: ", count, " FTAs requested but only ", snapshot->free, " VF(s) are free (",
                   snapshot->managed, " managed under ", vf_pool_->sysfs_root(), ", ", snapshot->used,
                   " in use, ", snapshot->unusable, " unusable; see ftactl vf list)"));
}

absl::Status FtaManager::ClaimVf(Fta* fta) {
  if (!UsesVfs()) return absl::OkStatus();
  FTA_ASSIGN_OR_RETURN(std::string vf, vf_pool_->Allocate(fta->id()));
  fta->set_vf(vf);
  return absl::OkStatus();
}

absl::Status FtaManager::PersistWithVf(const Fta& fta) {
  FTA_RETURN_IF_ERROR(store_->PutFtaWithVf(fta));
  bool holds = fta.state() != fta::v1::FTA_STATE_RELEASED && fta.state() != fta::v1::FTA_STATE_FAILED;
  if (!holds && !fta.vf().empty() && vf_pool_ != nullptr) {
    absl::Status released = vf_pool_->Release(fta.vf(), fta.id());
    if (released.ok()) spdlog::info("{}: VF {} back in the pool", fta.id(), fta.vf());
  }
  return absl::OkStatus();
}

absl::Status FtaManager::ReconcileVfs(const std::vector<store::Store::VfAssignment>& held_before,
                                      std::vector<std::string>* repairs) {
  FTA_ASSIGN_OR_RETURN(std::vector<store::Store::VfAssignment> held, store_->ListVfAssignments());
  std::set<std::pair<std::string, std::string>> still_held;
  for (const auto& assignment : held) still_held.insert({assignment.vf, assignment.fta_id});
  for (const auto& assignment : held_before) {
    if (still_held.count({assignment.vf, assignment.fta_id}) == 0) {
      repairs->push_back(absl::StrCat("VF ", assignment.vf, " returned to the pool: ", assignment.fta_id,
                                      " that held it is gone"));
    }
  }
  for (const auto& assignment : held) {
    bool active;
    {
      std::lock_guard<std::mutex> lock(mu_);
      active = ftas_.count(assignment.fta_id) > 0;
    }
    if (!active) {
      FTA_RETURN_IF_ERROR(store_->DeleteVfAssignment(assignment.vf));
      repairs->push_back(
          absl::StrCat("VF ", assignment.vf, " returned to the pool: ", assignment.fta_id, " is not active"));
      continue;
    }
    absl::Status restored =
        vf_pool_ != nullptr ? vf_pool_->Restore(assignment.vf, assignment.fta_id)
                            : absl::NotFoundError(absl::StrCat("no VF pool: no SR-IOV PF is managed now"));
    if (restored.ok()) continue;
    // The VF is gone (PF reset, numvfs lowered, card removed): the FTA keeps
    // running and keeps its claim, so the VF is not handed to another FTA
    // if it comes back.
    std::string why = absl::StrCat("VF ", assignment.vf, " disappeared: ", restored.message());
    FTA_RETURN_IF_ERROR(Update(assignment.fta_id, [&](Fta* fta) { fta->set_degraded(why); }));
    repairs->push_back(absl::StrCat(assignment.fta_id, ": marked degraded, ", why));
  }
  return absl::OkStatus();
}

std::vector<std::string> FtaManager::CheckVfs() {
  std::vector<std::string> changes;
  if (vf_pool_ == nullptr) return changes;
  for (const auto& [vf, owner] : vf_pool_->Owners()) {
    bool exists = vf_pool_->Exists(vf);
    std::string degraded;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = ftas_.find(owner);
      if (it == ftas_.end()) continue;
      degraded = it->second.degraded();
    }
    if (!exists && degraded.empty()) {
      std::string why = absl::StrCat("VF ", vf, " disappeared (", vf_pool_->sysfs_root(), "/bus/pci/devices/",
                                     vf, "/physfn is gone)");
      absl::Status marked = Update(owner, [&](Fta* fta) { fta->set_degraded(why); });
      if (marked.ok()) changes.push_back(absl::StrCat(owner, ": marked degraded, ", why));
    } else if (exists && !degraded.empty()) {
      absl::Status cleared = Update(owner, [](Fta* fta) { fta->clear_degraded(); });
      if (cleared.ok()) changes.push_back(absl::StrCat(owner, ": VF ", vf, " is back, no longer degraded"));
    }
  }
  return changes;
}

}  // namespace fta::hostd
