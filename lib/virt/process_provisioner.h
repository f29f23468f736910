// The `process` backend: every FTA is an fta-agent process on this host,
// started with argv (never a shell), in its own session so a terminal's
// Ctrl-C does not take the fleet down, with stdout/stderr in a log file,
// as the unprivileged user of agents.run_as when one is given.
//
// Exits are watched through pidfds (poll), which works for children and for
// processes adopted after a daemon restart alike. Stopping sends SIGTERM,
// then SIGKILL after the grace period.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "lib/virt/agent_spawn.h"
#include "lib/virt/provisioner.h"

namespace fta::virt {

struct ProcessProvisionerOptions {
  std::string agent_binary;            // absolute path of fta-agent
  std::string log_dir;                 // <state_dir>/logs
  std::vector<std::string> extra_args; // appended to every agent's argv
  // The daemon's agent endpoint. Agent processes dialing it are this
  // daemon's, whoever started them: reconcile finds them by it (a crash
  // between spawn and recording the pid leaves no other trace).
  std::string agent_endpoint;
  // Agents run as this user (agents.run_as); null: as fta-hostd. The token
  // then reaches them as /dev/fd/3 (agent_spawn.h), not as a file path.
  std::optional<RunAs> run_as;
};

class ProcessProvisioner final : public Provisioner {
 public:
  static absl::StatusOr<std::unique_ptr<ProcessProvisioner>> Create(ProcessProvisionerOptions options);
  ~ProcessProvisioner() override;

  std::string Backend() const override { return "process"; }
  absl::StatusOr<FtaInstance> Start(const FtaLaunchSpec& spec) override;
  absl::Status Stop(const std::string& fta_id, absl::Duration grace) override;
  absl::Status Adopt(const std::string& fta_id, int64_t pid) override;
  bool IsRunning(const std::string& fta_id) override;
  // Agent processes on this host that dial our endpoint, watched or not.
  absl::StatusOr<std::vector<std::string>> ListOwned() override;

 private:
  struct Watched {
    int64_t pid = 0;
    int pidfd = -1;
    bool is_child = false;
    bool stopping = false;  // exit is expected: not reported
  };

  ProcessProvisioner(ProcessProvisionerOptions options, int wake_fd);
  void WatchLoop();
  void Wake();
  // Returns a description of how `watched` ended (reaps children).
  static std::string Reap(const Watched& watched);
  // fta id -> pid of every fta-agent process whose --connect is our endpoint.
  std::map<std::string, int64_t> ScanAgentProcesses() const;

  const ProcessProvisionerOptions options_;
  const int wake_fd_;  // eventfd: rebuild the poll set / shut down
  std::mutex mu_;
  std::map<std::string, Watched> watched_ ABSL_GUARDED_BY(mu_);
  bool shutting_down_ ABSL_GUARDED_BY(mu_) = false;
  std::thread watcher_;
};

// Opens a pidfd for `pid` (Linux >= 5.3). Exposed for tests.
absl::StatusOr<int> OpenPidFd(int64_t pid);

}  // namespace fta::virt
