// Daemon: fta-hostd's parts wired together, with an explicit lifecycle.
//
//   absl::StatusOr<std::unique_ptr<Daemon>> daemon = Daemon::Start(config, binary_dir);
//   ... wait for SIGTERM ...
//   (*daemon)->Shutdown(absl::Seconds(config.shutdown_grace_s));
//
// Start order: state dir and store (jobs left running by a crash are marked
// failed), provisioner, reconcile (adopt FTAs that outlived the previous
// run), agent endpoint, control endpoint last so a client never sees a
// half-built daemon.
#pragma once

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lib/config/config.h"

namespace fta::hostd {

inline constexpr char kDaemonVersion[] = "0.1.0";

class Daemon {
 public:
  // `binary_dir` is where fta-agent is looked for when agents.agent_binary
  // is not set.
  static absl::StatusOr<std::unique_ptr<Daemon>> Start(const HostdConfig& config, const std::string& binary_dir);
  virtual ~Daemon() = default;
  // Stops accepting calls, ends running jobs (recorded as failed), closes
  // the endpoints within `grace`. FTAs keep running for the next start.
  virtual void Shutdown(absl::Duration grace) = 0;
  // SIGHUP: applies what changes without a restart (daemon.log_level,
  // jobs.retention_days) from `config`; other changed keys are logged as
  // needing a restart. Never stops the daemon.
  virtual void Reload(const HostdConfig& config) = 0;
  // Before each systemd watchdog ping (liveness.h): OK when the control
  // and agent listeners answer and the registry loop and store are alive.
  virtual absl::Status CheckLiveness(absl::Duration timeout) = 0;
  // The Prometheus endpoint's TCP port; 0 when metrics.listen is off.
  virtual int metrics_port() const = 0;
};

// What the daemon says about SR-IOV under `sysfs_root` until the VF pool
// lands: how many PFs with SR-IOV capability exist.
std::string DescribeSriov(const std::string& sysfs_root);

}  // namespace fta::hostd
