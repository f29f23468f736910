// FtaManager: starting the FTAs of one allocation. Process FTAs start on a
// few threads at once: starting one is mostly waiting (the fork until the
// agent's execve, its credentials' files), and with one at a time 64 FTAs
// took seconds while the cores idled between them. Other backends start
// one after another, as their provisioners have always been driven.
#include <algorithm>
#include <atomic>
#include <optional>
#include <thread>

#include "lib/fleet/fta_manager.h"

namespace fta::hostd {

namespace {
constexpr int kProcessLaunchThreads = 4;
}  // namespace

absl::Status FtaManager::LaunchAllLocked(int count, fta::v1::FtaKind kind, const std::string& backend,
                                         const std::string& owner, std::vector<std::string>* started) {
  std::vector<std::string> ids;
  for (int i = 0; i < count; ++i) {
    absl::StatusOr<std::string> id = store_->NextFtaId();
    if (!id.ok()) return id.status();
    ids.push_back(*id);
  }
  std::vector<std::optional<absl::Status>> outcomes(ids.size());  // empty: not tried after a failure
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  // allocate_mu_ is held by the caller for all of them.
  auto launch = [&]() ABSL_NO_THREAD_SAFETY_ANALYSIS {
    for (size_t i = next++; i < ids.size() && !failed; i = next++) {
      outcomes[i] = LaunchLocked(ids[i], kind, backend, owner).status();
      if (!outcomes[i]->ok()) failed = true;
    }
  };
  const int threads = backend == "process" ? std::min<int>(kProcessLaunchThreads, count) : 1;
  std::vector<std::thread> helpers;
  for (int t = 1; t < threads; ++t) helpers.emplace_back(launch);
  launch();
  for (std::thread& helper : helpers) helper.join();
  absl::Status first_error;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (outcomes[i] && outcomes[i]->ok()) {
      started->push_back(ids[i]);
    } else if (outcomes[i] && first_error.ok()) {
      first_error = *outcomes[i];
    }
  }
  return first_error;
}

}  // namespace fta::hostd
