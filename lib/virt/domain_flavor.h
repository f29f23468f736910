// DomainFlavor: what differs between kinds of libvirt domain FTAs.
//
// LibvirtProvisioner does what every libvirt FTA shares (the connection and
// its events, cores from the planner, define/start, shutdown/destroy,
// metadata-based adoption and orphan listing). A flavor supplies the rest:
// the domain XML and the host files it needs, checks after start, and
// cleanup. Without a flavor the provisioner makes KVM/QEMU guests; the LXC
// flavor (lxc_provisioner.h) makes container FTAs.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "lib/virt/provisioner.h"

struct _virDomain;

namespace fta::virt {

class DomainFlavor {
 public:
  virtual ~DomainFlavor() = default;
  // Provisioner::Backend() of the FTAs it makes ("lxc").
  virtual std::string Backend() const = 0;
  // Writes what the domain needs on the host and returns its XML.
  virtual absl::StatusOr<std::string> Prepare(const FtaLaunchSpec& spec, const std::string& domain_name,
                                              const std::vector<int>& cores) = 0;
  // The domain runs: check it and finish its setup. An error destroys it.
  virtual absl::Status Started(const std::string& fta_id, _virDomain* domain) = 0;
  // A previous run's domain was adopted (re-learn what it holds).
  virtual void Adopted(const std::string& fta_id, _virDomain* domain) = 0;
  // Removes what Prepare wrote; idempotent (also for orphans).
  virtual absl::Status Cleanup(const std::string& fta_id) = 0;
};

}  // namespace fta::virt
