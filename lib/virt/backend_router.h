// BackendRouter: FTAs of several backends (kinds) on one host, e.g. vm
// guests and container FTAs side by side. Start goes to the backend the
// spec names (FtaLaunchSpec::backend; "" = the first); afterwards an FTA is
// served by the backend that started, adopted or listed it. For an id none
// of them knows yet (a record from a previous run), Adopt asks each in turn
// and Stop asks all (stopping what a backend does not have is OK).
// Backends are not owned. Thread-safe.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "lib/virt/provisioner.h"

namespace fta::virt {

class BackendRouter final : public Provisioner {
 public:
  // `backends` non-empty, distinct Backend() names; the first is the default.
  explicit BackendRouter(std::vector<Provisioner*> backends) : backends_(std::move(backends)) {
    for (Provisioner* backend : backends_) ForwardExits(backend);
  }

  std::string Backend() const override { return backends_.front()->Backend(); }
  // "process", "libvirt", "lxc": the backends offered.
  std::vector<std::string> Backends() const;
  // INVALID_ARGUMENT naming the backend when it is not configured here.
  absl::StatusOr<FtaInstance> Start(const FtaLaunchSpec& spec) override;
  absl::Status Stop(const std::string& fta_id, absl::Duration grace) override;
  absl::Status Adopt(const std::string& fta_id, int64_t pid) override;
  bool IsRunning(const std::string& fta_id) override;
  absl::StatusOr<std::vector<std::string>> ListOwned() override;

 private:
  Provisioner* Known(const std::string& fta_id);
  void Remember(const std::string& fta_id, Provisioner* backend);

  const std::vector<Provisioner*> backends_;
  std::mutex mu_;
  std::map<std::string, Provisioner*> owner_ ABSL_GUARDED_BY(mu_);
};

}  // namespace fta::virt
