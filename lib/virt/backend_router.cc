#include "lib/virt/backend_router.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace fta::virt {

std::vector<std::string> BackendRouter::Backends() const {
  std::vector<std::string> names;
  for (Provisioner* backend : backends_) names.push_back(backend->Backend());
  return names;
}

Provisioner* BackendRouter::Known(const std::string& fta_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = owner_.find(fta_id);
  return it == owner_.end() ? nullptr : it->second;
}

void BackendRouter::Remember(const std::string& fta_id, Provisioner* backend) {
  std::lock_guard<std::mutex> lock(mu_);
  if (backend) {
    owner_[fta_id] = backend;
  } else {
    owner_.erase(fta_id);
  }
}

absl::StatusOr<FtaInstance> BackendRouter::Start(const FtaLaunchSpec& spec) {
  Provisioner* chosen = nullptr;
  for (Provisioner* backend : backends_) {
    if (spec.backend.empty() || backend->Backend() == spec.backend) {
      chosen = backend;
      break;
    }
  }
  if (!chosen) {
    return absl::InvalidArgumentError(absl::StrCat("kind: backend \"", spec.backend,
                                                   "\" is not configured on this host (it offers ",
                                                   absl::StrJoin(Backends(), ", "), ")"));
  }
  Remember(spec.fta_id, chosen);
  absl::StatusOr<FtaInstance> instance = chosen->Start(spec);
  if (!instance.ok()) Remember(spec.fta_id, nullptr);
  return instance;
}

absl::Status BackendRouter::Stop(const std::string& fta_id, absl::Duration grace) {
  if (Provisioner* backend = Known(fta_id)) {
    absl::Status stopped = backend->Stop(fta_id, grace);
    if (stopped.ok()) Remember(fta_id, nullptr);
    return stopped;
  }
  absl::Status first_error;
  for (Provisioner* backend : backends_) {
    absl::Status stopped = backend->Stop(fta_id, grace);
    if (!stopped.ok() && first_error.ok()) first_error = stopped;
  }
  return first_error;
}

absl::Status BackendRouter::Adopt(const std::string& fta_id, int64_t pid) {
  std::vector<std::string> answers;
  for (Provisioner* backend : backends_) {
    absl::Status adopted = backend->Adopt(fta_id, pid);
    if (adopted.ok()) {
      Remember(fta_id, backend);
      return adopted;
    }
    answers.push_back(absl::StrCat(backend->Backend(), ": ", adopted.message()));
  }
  return absl::NotFoundError(absl::StrJoin(answers, "; "));
}

bool BackendRouter::IsRunning(const std::string& fta_id) {
  if (Provisioner* backend = Known(fta_id)) return backend->IsRunning(fta_id);
  for (Provisioner* backend : backends_) {
    if (backend->IsRunning(fta_id)) return true;
  }
  return false;
}

absl::StatusOr<std::vector<std::string>> BackendRouter::ListOwned() {
  std::vector<std::string> all;
  for (Provisioner* backend : backends_) {
    absl::StatusOr<std::vector<std::string>> owned = backend->ListOwned();
    if (!owned.ok()) return owned.status();
    for (const std::string& id : *owned) {
      // An orphan is stopped by whoever listed it.
      if (!Known(id)) Remember(id, backend);
      all.push_back(id);
    }
  }
  return all;
}

}  // namespace fta::virt
