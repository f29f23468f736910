// fta-hostd configuration: built-in defaults, then the TOML file, then
// command-line flags (the last one wins).
//
//   HostdConfig config = DefaultConfig();
//   FTA_RETURN_IF_ERROR(MergeTomlFile("/etc/fta-hostd/config.toml", &config));
//   config.control_socket = flag_value;   // flags override
//   FTA_RETURN_IF_ERROR(ValidateConfig(config));
//
// Every key is documented in README.md ("Configuration").
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace fta::hostd {

struct HostdConfig {
  // [daemon]
  std::string control_socket = "/run/fta-hostd/control.sock";
  // Group given the control socket (mode 0660); the default, fta-admin, only
  // when that group exists (else root only); "" = root only.
  std::string control_socket_group = "fta-admin";
  std::string state_dir = "/var/lib/fta-hostd";
  std::string log_level = "info";
  int shutdown_grace_s = 10;
  // [agents]
  std::string agent_listen = "unix:/run/fta-hostd/agent.sock";
  // Security and limits of the agent endpoint (lib/daemon/agent_endpoint.h).
  bool agent_insecure_tcp = false;           // TCP without TLS (refused unless set)
  std::vector<std::string> agent_tls_names;  // server certificate SANs; [] = derived
  std::string agent_crl_dir;                 // "" = <state_dir>/pki/crl
  int agent_tls_refresh_s = 60;              // certificate/CRL files re-read this often
  int agent_hello_timeout_s = 10;            // a connection/stream must say hello by then
  int agent_max_connections = 1000;          // agent streams open at once
  int heartbeat_interval_ms = 1000;
  int heartbeat_timeout_ms = 10000;
  int connect_timeout_s = 60;      // allocate: wait for agents to dial in
  std::string agent_binary;        // "" = fta-agent beside fta-hostd
  // Process agents (and their job files) run as this user: "" = "fta" when
  // that user exists, else "nobody" (see ResolveAgentUser); "root" keeps
  // the old behaviour. Ignored when fta-hostd is not root.
  std::string agent_run_as;
  int agent_log_max_mib = 16;      // a per-FTA agent log over this is rotated
  int agent_log_keep = 3;          // rotated copies kept
  // [provisioner]
  std::string backend = "process";
  int max_ftas = 16;
  int stop_grace_s = 10;
  int reconcile_interval_s = 60;  // guests vs the store while running; 0 = only at start
  // [jobs]
  int ready_timeout_s = 60;
  int job_deadline_s = 86400;
  int sample_interval_ms = 250;
  int sample_batch_ms = 1000;  // agents batch samples over this window (0: each alone)
  // Sample messages per second a job's agents may send in all: a job on
  // more agents gets a longer batch window (0: no limit).
  int sample_messages_per_s = 500;
  int retention_days = 90;         // finished jobs and released FTAs older are pruned; 0 = keep
  // [metrics]
  std::string metrics_listen;      // HOST:PORT of the Prometheus endpoint; "" = off
  // [sriov]
  std::string sysfs_root = "/sys";
  // PFs to manage: PCI address, IB device or netdev, optionally with VF
  // ranges ("mlx5_0#0-7"); empty = every PF whose VFs are already enabled.
  std::vector<std::string> sriov_pfs;
  int sriov_num_vfs = 0;            // VFs per selected PF; 0 = leave sriov_numvfs alone
  std::string sriov_guid_prefix;    // "02:c9:fa:00": derive VF GUIDs; "" = leave them
  std::vector<std::string> sriov_pkeys;  // ["0x8001"]: VF P_Key membership, in virtual index order
  // [libvirt]
  std::string libvirt_uri = "qemu:///system";
  // [guest]: the template of every libvirt guest (see lib/virt/domain_xml.h)
  int guest_vcpus = 1;
  int guest_memory_mib = 4096;
  int guest_disk_gib = 20;
  std::string guest_base_image;          // boot an overlay on this image, or
  std::string guest_base_image_format = "qcow2";
  std::string guest_kernel;              // direct kernel boot
  std::string guest_initrd;
  std::string guest_cmdline = "console=ttyS0";
  std::string guest_domain_type = "auto";  // kvm | qemu | auto (kvm when /dev/kvm works)
  std::string guest_network = "user";      // user | network:NAME | bridge:NAME
  std::string guest_agent_endpoint;      // what guests dial; "" = derived from agents.listen
  std::string guest_image_dir;           // overlays; "" = <state_dir>/guests
  int guest_reserve_cores = 1;           // kept for the host
  int guest_reserve_memory_gib = 2;
  // [container]: container FTAs on libvirt's LXC driver (lib/virt/lxc_domain_xml.h).
  // Offered when provisioner.backend is "lxc" (then the default kind) or
  // container.uri is set (beside the process or libvirt backend).
  std::string container_uri;             // "" = "lxc:///system" with backend lxc, else off
  int container_memory_mib = 512;        // memory cgroup limit per container
  int container_tmp_mib = 256;           // its private /tmp (tmpfs)
  std::vector<std::string> container_bind;     // host dirs bind-mounted read-write (job data)
  std::vector<std::string> container_netdevs;  // netdevs moved in, one per container while free
  // A unix socket containers dial, served beside agents.listen; "" =
  // agents.listen (which must then be unix:).
  std::string container_agent_listen;
  // [mpi]: engine ior runs IOR under OpenMPI's mpirun, launching orted on
  // the FTAs through fta-mpi-relay (lib/jobs/mpi_command.h).
  std::string mpi_mpirun;                // "" = mpirun found in PATH
  std::string mpi_relay;                 // "" = fta-mpi-relay beside fta-hostd
  std::string mpi_tcp_interface = "lo";  // orted -> mpirun and rank TCP: "lo" for process FTAs
};

// True when container FTAs are offered (backend lxc, or container.uri set).
bool ContainersEnabled(const HostdConfig& config);
// The libvirt URI of the LXC driver to use.
std::string ContainerUri(const HostdConfig& config);
// The address containers dial (container.agent_listen, else agents.listen).
std::string ContainerAgentEndpoint(const HostdConfig& config);

HostdConfig DefaultConfig();

// Reads `path` over `config`. Unknown sections or keys and wrongly typed
// values are INVALID_ARGUMENT naming "file: section.key"; a missing file is
// NOT_FOUND.
absl::Status MergeTomlFile(const std::string& path, HostdConfig* config);

// Same, from TOML text (used by tests; `origin` names it in errors).
absl::Status MergeTomlText(const std::string& text, const std::string& origin, HostdConfig* config);

// Range and consistency checks, errors name the key.
absl::Status ValidateConfig(const HostdConfig& config);

// The daemon's view of the config as TOML (for `--print-config`).
std::string ToToml(const HostdConfig& config);

}  // namespace fta::hostd
