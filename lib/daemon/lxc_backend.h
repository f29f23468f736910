// Wiring of the lxc backend (container FTAs) from the daemon's config: the
// container template, the capacity planner, and the provisioner over
// libvirt's LXC driver.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "lib/config/config.h"
#include "lib/core/clock.h"
#include "lib/virt/capacity.h"
#include "lib/virt/libvirt_provisioner.h"

namespace fta::hostd {

struct LxcBackend {
  // Set when `planner` was null: containers' own planner (destroy after the
  // provisioner). Capacity: 1 core each, container.memory_mib each.
  std::unique_ptr<virt::CapacityPlanner> own_planner;
  std::unique_ptr<virt::LibvirtProvisioner> provisioner;
};

// `planner`: cores shared with the vm guests on this host (not owned); null
// = a planner of its own with container.memory_mib per FTA.
// `agent_binary`: the fta-agent containers run as init; `clock` not owned. FAILED_PRECONDITION
// naming the key when the LXC driver cannot be reached.
absl::StatusOr<LxcBackend> MakeLxcBackend(const HostdConfig& config, virt::CapacityPlanner* planner,
                                          const std::string& agent_binary, const Clock* clock,
                                          const std::string& proc_root = "/proc");

}  // namespace fta::hostd
