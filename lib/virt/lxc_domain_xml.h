// Domain XML for one container FTA (libvirt's LXC driver).
//
// A container FTA runs fta-agent as its init, straight from the host's file
// system: the host root is bind-mounted read-only, /tmp is a private tmpfs,
// the job directories are bind-mounted read-write and the agent's identity
// directory (identity + token, written by hostd) read-only at a fixed path,
// so no secret is ever on a command line. `<privnet/>` gives it its own
// network namespace (with only `lo`) into which hostd moves a netdev or a
// VF's IPoIB netdev after start; the VF's verbs char devices are passed in as
// `hostdev mode='capabilities' type='misc'`.
//
// Pure functions (no libvirt calls), checked by golden-style unit tests.
//
//   ContainerTemplate shape;   // from [container] in the config
//   ContainerPlan plan{...};   // this container: name, cores, identity dir
//   absl::StatusOr<std::string> xml = BuildContainerXml(shape, plan);
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace fta::virt {

// Where the identity directory appears inside every container.
inline constexpr char kContainerIdentityDir[] = "/run/fta-agent";

// What every container looks like (config [container]).
struct ContainerTemplate {
  int vcpus = 1;
  int64_t memory_mib = 512;  // memory cgroup limit
  int64_t tmp_mib = 256;     // size of the private /tmp
  std::string agent_binary;  // absolute host path (under /tmp: its directory must be in readonly_dirs)
  // Host directories bind-mounted read-write at the same path (job data).
  std::vector<std::string> bind_dirs;
  // Host directories bind-mounted read-only at the same path (the agent
  // socket's directory, an agent binary's directory under /tmp: the private
  // /tmp hides the host's).
  std::vector<std::string> readonly_dirs;
};

// One container's own facts.
struct ContainerPlan {
  std::string domain_name;
  std::string fta_id;
  std::string owner;            // metadata owner (this daemon's identity)
  std::vector<int> host_cores;  // vCPU i pinned to host_cores[i]; empty = unpinned
  std::string identity_dir;     // host dir holding `identity`, mounted at kContainerIdentityDir
  // Char devices passed through ("/dev/infiniband/uverbs3", ".../rdma_cm").
  std::vector<std::string> char_devices;
};

absl::StatusOr<std::string> BuildContainerXml(const ContainerTemplate& shape, const ContainerPlan& plan);

}  // namespace fta::virt
