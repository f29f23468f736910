#include "lib/daemon/daemon_ops.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "lib/core/status_macros.h"
#include "lib/daemon/daemon.h"
#include "lib/jobs/buffer_memory.h"
#include "spdlog/spdlog.h"

namespace fta::hostd {

// Installed: our programs sit beside fta-hostd. Build tree: in ../<subdir>.
// Else whatever PATH finds; else "" (`name` alone for fta-agent, reported
// as missing by the provisioner).
std::string FindProgram(const std::string& binary_dir, const std::string& name, const std::string& build_subdir) {
  std::vector<std::string> candidates;
  if (!build_subdir.empty()) {
    candidates = {absl::StrCat(binary_dir, "/", name), absl::StrCat(binary_dir, "/../", build_subdir, "/", name)};
  }
  const char* path = getenv("PATH");
  for (absl::string_view dir : absl::StrSplit(path ? path : "", ':')) {
    if (!dir.empty()) candidates.push_back(absl::StrCat(dir, "/", name));
  }
  for (const std::string& candidate : candidates) {
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

std::string FindAgentBinary(const std::string& binary_dir) {
  std::string found = FindProgram(binary_dir, "fta-agent", "agent");
  return found.empty() ? binary_dir + "/fta-agent" : found;
}

std::string DescribeSriov(const std::string& sysfs_root) {
  std::string devices = sysfs_root + "/bus/pci/devices";
  int pfs = 0;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(devices, error)) {
    if (std::filesystem::exists(entry.path() / "sriov_totalvfs")) ++pfs;
  }
  if (error) return absl::StrCat("cannot read ", devices, ": ", error.message());
  if (pfs == 0) return absl::StrCat("no SR-IOV device under ", sysfs_root, "; FTAs run without a VF");
  return absl::StrCat(pfs, " SR-IOV physical function(s) under ", sysfs_root, " (VF pool not managed yet)");
}

absl::StatusOr<std::optional<virt::RunAs>> AgentUserFor(const HostdConfig& config) {
  if (geteuid() != 0 || config.agent_run_as == "root") return std::optional<virt::RunAs>();
  FTA_ASSIGN_OR_RETURN(virt::RunAs user, virt::ResolveAgentUser(config.agent_run_as));
  spdlog::info("process agents run as {} (uid {}, gid {})", user.name, user.uid, user.gid);
  return std::optional<virt::RunAs>(std::move(user));
}

void ShareUnixSocket(const std::string& path, const std::optional<virt::RunAs>& user) {
  if (!user) return;
  if (chown(path.c_str(), 0, user->gid) != 0 || chmod(path.c_str(), 0660) != 0) {
    spdlog::warn("agents.listen: cannot give {} to group {}: {}", path, user->gid, std::strerror(errno));
  }
}

std::function<int64_t(fta::v1::FtaKind)> MemoryOfKind(const HostdConfig& config) {
  const int64_t vm = int64_t{config.guest_memory_mib} << 20;
  const int64_t container = int64_t{config.container_memory_mib} << 20;
  return [vm, container](fta::v1::FtaKind kind) -> int64_t {
    if (kind == fta::v1::FTA_KIND_VM) return vm;
    if (kind == fta::v1::FTA_KIND_CONTAINER) return container;
    return HostMemoryBytes();
  };
}

Metrics::Sources MetricsSourcesOf(FtaManager* ftas, AgentRegistry* registry, sriov::VfPool* pool,
                                  store::Store* store) {
  Metrics::Sources sources;
  sources.active_ftas = [ftas] {
    absl::StatusOr<std::vector<fta::v1::Fta>> list = ftas->List(/*include_released=*/false);
    return list.ok() ? *std::move(list) : std::vector<fta::v1::Fta>();
  };
  sources.vfs = [pool] {
    std::map<std::string, int> counts;
    absl::StatusOr<std::unique_ptr<sriov::VfPool::Snapshot>> snapshot = pool->Describe();
    if (!snapshot.ok()) return counts;
    counts["free"] = (*snapshot)->free;
    counts["used"] = (*snapshot)->used;
    counts["unusable"] = (*snapshot)->unusable;
    return counts;
  };
  sources.agents_connected = [registry] { return static_cast<int>(registry->ConnectedIds().size()); };
  sources.jobs_by_state = [store] {
    absl::StatusOr<std::map<std::string, int64_t>> counts = store->CountJobsByState();
    return counts.ok() ? *std::move(counts) : std::map<std::string, int64_t>();
  };
  return sources;
}

absl::StatusOr<std::unique_ptr<Metrics>> StartHostMetrics(const std::string& listen, Metrics::Sources sources,
                                                          const Clock* clock) {
  FTA_ASSIGN_OR_RETURN(std::unique_ptr<Metrics> metrics, Metrics::Start(listen, std::move(sources), clock));
  spdlog::info("metrics on http://{}/metrics (port {})", listen, metrics->port());
  return metrics;
}

LivenessProbe LivenessProbeOf(const HostdConfig& config, AgentRegistry* registry, store::Store* store) {
  LivenessProbe probe;
  probe.control_target = "unix:" + config.control_socket;
  probe.agent_target = config.agent_listen;
  probe.loop_ticks = [registry] { return registry->loop_ticks(); };
  // The loop ticks every max(50 ms, heartbeat interval / 2).
  probe.loop_stall_limit = std::max(absl::Seconds(10), absl::Milliseconds(4 * config.heartbeat_interval_ms));
  probe.store_ping = [store] {
    return store->SchemaVersion() > 0 ? absl::OkStatus() : absl::UnavailableError("the store does not answer");
  };
  return probe;
}

std::string MpiWorkDirOf(const HostdConfig& config) {
  if (absl::StartsWith(config.agent_listen, "unix:")) {
    return std::filesystem::path(config.agent_listen.substr(5)).parent_path().string() + "/mpi";
  }
  return config.state_dir + "/mpi";
}

Housekeeping::Options HousekeepingOptionsOf(const HostdConfig& config) {
  return Housekeeping::Options{config.retention_days, config.state_dir + "/logs",
                               int64_t{config.agent_log_max_mib} << 20, config.agent_log_keep,
                               MpiWorkDirOf(config)};
}

void ApplyReload(const HostdConfig& current, const HostdConfig& next, Housekeeping* housekeeping) {
  spdlog::set_level(spdlog::level::from_str(next.log_level));
  if (housekeeping != nullptr) housekeeping->SetRetentionDays(next.retention_days);
  spdlog::info("reloaded: daemon.log_level = {}, jobs.retention_days = {}", next.log_level, next.retention_days);
  // Everything else is wired into running parts: say so rather than pretend.
  const std::string before = ToToml(current);
  const std::string after = ToToml(next);
  std::vector<std::string> old_lines = absl::StrSplit(before, '\n');
  std::vector<std::string> new_lines = absl::StrSplit(after, '\n');
  for (size_t i = 0; i < new_lines.size() && i < old_lines.size(); ++i) {
    if (old_lines[i] == new_lines[i] || absl::StartsWith(new_lines[i], "log_level") ||
        absl::StartsWith(new_lines[i], "retention_days")) {
      continue;
    }
    spdlog::warn("reload: \"{}\" takes effect at the next restart", new_lines[i]);
  }
}

}  // namespace fta::hostd
