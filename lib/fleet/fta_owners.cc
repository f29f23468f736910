// FtaManager: which FTAs a job may run on (every ready one, or one owner's)
// and releasing by owner. Split from fta_manager.cc to keep files small.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "lib/core/status_macros.h"
#include "lib/fleet/fta_kinds.h"
#include "lib/fleet/fta_manager.h"
#include "lib/fleet/owner.h"

namespace fta::hostd {

std::vector<std::string> FtaManager::ReadyGuestIds() {
  std::vector<std::string> ids;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [id, fta] : ftas_) {
      if (IsAllocatedKind(fta.kind()) && fta.state() == fta::v1::FTA_STATE_READY &&
          busy_.count(id) == 0) {
        ids.push_back(id);
      }
    }
  }
  std::sort(ids.begin(), ids.end(), ByIdNumber);
  return ids;
}

absl::StatusOr<std::vector<std::string>> FtaManager::ReadyIdsOf(const std::string& owner, int max) {
  FTA_RETURN_IF_ERROR(ValidateOwner(owner, "on"));
  if (owner.empty()) return absl::InvalidArgumentError("on: owner: needs a name (owner:NAME)");
  if (max < 0) return absl::InvalidArgumentError(absl::StrCat("max_ftas: must not be negative, got ", max));
  std::vector<std::string> ids;
  int owned = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [id, fta] : ftas_) {
      if (fta.owner() != owner || !IsAllocatedKind(fta.kind())) continue;
      ++owned;
      if (fta.state() == fta::v1::FTA_STATE_READY && busy_.count(id) == 0) ids.push_back(id);
    }
  }
  if (ids.empty() || static_cast<int>(ids.size()) < max) {
    return absl::FailedPreconditionError(absl::StrCat("on: owner ", owner, " has ", ids.size(), " ready FTA(s)",
                                                      max > 0 ? absl::StrCat(", ", max, " wanted") : "", " (",
                                                      owned, " allocated; the others busy or not connected)"));
  }
  std::sort(ids.begin(), ids.end(), ByIdNumber);
  if (max > 0) ids.resize(static_cast<size_t>(max));
  return ids;
}

absl::StatusOr<std::vector<std::string>> FtaManager::ReleaseOwner(const std::string& owner) {
  FTA_RETURN_IF_ERROR(ValidateOwner(owner, "owner"));
  if (owner.empty()) return absl::InvalidArgumentError("owner: required");
  std::vector<std::string> ids;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [id, fta] : ftas_) {
      if (fta.owner() == owner) ids.push_back(id);
    }
  }
  if (ids.empty()) return ids;
  // Another release may win the race for an id: Release then says NOT_FOUND
  // and the caller (an epilog) retries with nothing left to do.
  return Release(ids, /*all=*/false);
}

absl::StatusOr<std::vector<fta::v1::Fta>> FtaManager::ListOwner(bool include_released, const std::string& owner) {
  FTA_RETURN_IF_ERROR(ValidateOwner(owner, "owner"));
  FTA_ASSIGN_OR_RETURN(std::vector<fta::v1::Fta> all, List(include_released));
  std::vector<fta::v1::Fta> owned;
  for (fta::v1::Fta& fta : all) {
    if (fta.owner() == owner) owned.push_back(std::move(fta));
  }
  return owned;
}

}  // namespace fta::hostd
