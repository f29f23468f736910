#include "lib/daemon/lxc_backend.h"

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "lib/core/status_macros.h"
#include "lib/virt/lxc_provisioner.h"
#include "spdlog/spdlog.h"

namespace fta::hostd {

absl::StatusOr<LxcBackend> MakeLxcBackend(const HostdConfig& config, virt::CapacityPlanner* planner,
                                          const std::string& agent_binary, const Clock* clock,
                                          const std::string& proc_root) {
  LxcBackend backend;
  if (!planner) {
    FTA_ASSIGN_OR_RETURN(virt::HostResources host, virt::ReadHostResources(proc_root));
    virt::GuestShape shape{1, config.container_memory_mib};
    virt::HostReserve reserve{config.guest_reserve_cores, int64_t{config.guest_reserve_memory_gib} * 1024};
    backend.own_planner = std::make_unique<virt::CapacityPlanner>(host, shape, reserve);
    planner = backend.own_planner.get();
    spdlog::info("container capacity: {}", planner->Explanation());
  }
  virt::LxcOptions options;
  options.uri = ContainerUri(config);
  std::error_code error;
  std::filesystem::path state = std::filesystem::absolute(config.state_dir, error);
  options.owner = absl::StrCat("fta-hostd:", state.lexically_normal().string());
  options.state_dir = config.state_dir + "/containers";
  options.log_dir = config.state_dir + "/logs";
  options.shape.vcpus = 1;
  options.shape.memory_mib = config.container_memory_mib;
  options.shape.tmp_mib = config.container_tmp_mib;
  options.shape.agent_binary = std::filesystem::absolute(agent_binary, error).lexically_normal().string();
  options.shape.bind_dirs = config.container_bind;
  options.agent_endpoint = ContainerAgentEndpoint(config);
  options.netdevs = config.container_netdevs;
  options.sysfs_root = config.sysfs_root;
  options.planner = planner;
  options.clock = clock;
  spdlog::info("containers: {} MiB, /tmp {} MiB, agent {}, agents dial {}, {} bind dir(s), {} netdev(s)",
               options.shape.memory_mib, options.shape.tmp_mib, options.shape.agent_binary, options.agent_endpoint,
               options.shape.bind_dirs.size(), options.netdevs.size());
  FTA_ASSIGN_OR_RETURN(backend.provisioner, virt::CreateLxcProvisioner(std::move(options)));
  return backend;
}

}  // namespace fta::hostd
