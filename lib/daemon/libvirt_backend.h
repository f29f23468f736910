// Wiring of the libvirt backend from the daemon's config: the guest
// template, the capacity planner over this host, and the provisioner.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "lib/config/config.h"
#include "lib/virt/capacity.h"
#include "lib/virt/libvirt_provisioner.h"

namespace fta::hostd {

struct LibvirtBackend {
  std::unique_ptr<virt::CapacityPlanner> planner;  // outlives nothing: destroy after the provisioner
  std::unique_ptr<virt::LibvirtProvisioner> provisioner;
};

// FAILED_PRECONDITION naming the key when libvirtd cannot be reached or the
// host cannot be measured.
absl::StatusOr<LibvirtBackend> MakeLibvirtBackend(const HostdConfig& config, const Clock* clock,
                                                 const std::string& proc_root = "/proc");

// The address guests dial: guest.agent_endpoint, else agents.listen with a
// loopback or wildcard host replaced by 10.0.2.2 (the host as QEMU's user
// network shows it) when guest.network is "user".
std::string GuestAgentEndpoint(const HostdConfig& config);

// guest.domain_type "auto": "kvm" when /dev/kvm answers KVM_GET_API_VERSION,
// else "qemu" (TCG).
std::string ResolveDomainType(const std::string& configured, const std::string& kvm_device = "/dev/kvm");

virt::GuestTemplate GuestTemplateFromConfig(const HostdConfig& config);

}  // namespace fta::hostd
