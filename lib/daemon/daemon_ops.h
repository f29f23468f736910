// The daemon's operational pieces, wired by daemon.cc: who process agents
// run as, the metrics endpoint's sources, the watchdog's liveness probe,
// housekeeping options and what a SIGHUP reload applies.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "fta/v1/common.pb.h"
#include "lib/config/config.h"
#include "lib/core/clock.h"
#include "lib/daemon/housekeeping.h"
#include "lib/daemon/liveness.h"
#include "lib/daemon/metrics.h"
#include "lib/fleet/agent_registry.h"
#include "lib/fleet/fta_manager.h"
#include "lib/sriov/vf_pool.h"
#include "lib/store/store.h"
#include "lib/virt/agent_spawn.h"

namespace fta::hostd {

// Installed: our programs sit beside fta-hostd. Build tree: in
// ../<build_subdir>. Else whatever PATH finds; else "".
std::string FindProgram(const std::string& binary_dir, const std::string& name, const std::string& build_subdir);
// FindProgram for fta-agent; `binary_dir`/fta-agent (reported as missing by
// the provisioner) when none is found.
std::string FindAgentBinary(const std::string& binary_dir);

// agents.run_as resolved: null when fta-hostd is not root (it cannot change
// user) or the key says "root".
absl::StatusOr<std::optional<virt::RunAs>> AgentUserFor(const HostdConfig& config);

// A unix agent socket that `user` must dial: group-owned by the user's
// group, mode 0660 (root and that group only). Nothing when `user` is null.
void ShareUnixSocket(const std::string& path, const std::optional<virt::RunAs>& user);

// The memory of an FTA of each kind: guest.memory_mib for VMs,
// container.memory_mib for containers, the host's for processes.
std::function<int64_t(fta::v1::FtaKind)> MemoryOfKind(const HostdConfig& config);

Metrics::Sources MetricsSourcesOf(FtaManager* ftas, AgentRegistry* registry, sriov::VfPool* pool,
                                  store::Store* store);
absl::StatusOr<std::unique_ptr<Metrics>> StartHostMetrics(const std::string& listen, Metrics::Sources sources,
                                                          const Clock* clock);

LivenessProbe LivenessProbeOf(const HostdConfig& config, AgentRegistry* registry, store::Store* store);

Housekeeping::Options HousekeepingOptionsOf(const HostdConfig& config);

// Where engine ior jobs keep their hostfile, mpirun output and IOR's result
// files: beside a unix agent socket (a directory the agents' user can reach
// by construction; the state directory is 0750 root under systemd and rank
// 0, an agent's child, writes IOR's summary), else <state_dir>/mpi.
std::string MpiWorkDirOf(const HostdConfig& config);

// SIGHUP: applies daemon.log_level and jobs.retention_days of `next`, logs
// every other key that differs from `current` as needing a restart.
void ApplyReload(const HostdConfig& current, const HostdConfig& next, Housekeeping* housekeeping);

}  // namespace fta::hostd
