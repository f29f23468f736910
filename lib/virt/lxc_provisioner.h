// The `lxc` backend: every container FTA is an LXC domain made through
// libvirt's LXC driver by the same LibvirtProvisioner as guests (metadata,
// adoption, orphan listing, shutdown then destroy), with LxcFlavor for what
// differs: the container XML (lxc_domain_xml.h), the agent's identity file,
// the network namespace check and the netdev/VF devices moved inside
// (container_netns.h).
//
//   LxcOptions options;  options.uri = "lxc:///system"; ...
//   absl::StatusOr<std::unique_ptr<LibvirtProvisioner>> p = CreateLxcProvisioner(options);
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "lib/core/clock.h"
#include "lib/virt/capacity.h"
#include "lib/virt/container_netns.h"
#include "lib/virt/domain_flavor.h"
#include "lib/virt/libvirt_provisioner.h"
#include "lib/virt/lxc_domain_xml.h"

namespace fta::virt {

struct LxcOptions {
  std::string uri = "lxc:///system";
  std::string owner;                   // metadata owner, as for guests
  std::string domain_prefix = "fta-";
  std::string state_dir;               // <state_dir>/<fta id>/identity, mode 0600
  std::string log_dir;
  ContainerTemplate shape;
  std::string agent_endpoint;          // what containers dial: unix:PATH (they have their own netns)
  // Netdevs handed out one per container while free (a veth end in CI, a
  // macvlan or spare port elsewhere); containers with a VF get its netdev.
  std::vector<std::string> netdevs;
  std::string sysfs_root = "/sys";
  CapacityPlanner* planner = nullptr;  // not owned
  std::shared_ptr<NetnsOps> netns_ops; // null = RealNetnsOps
  const Clock* clock = nullptr;        // not owned, required: stop and namespace deadlines
};

class LxcFlavor final : public DomainFlavor {
 public:
  explicit LxcFlavor(LxcOptions options);

  std::string Backend() const override { return "lxc"; }
  absl::StatusOr<std::string> Prepare(const FtaLaunchSpec& spec, const std::string& domain_name,
                                      const std::vector<int>& cores) override;
  absl::Status Started(const std::string& fta_id, _virDomain* domain) override;
  void Adopted(const std::string& fta_id, _virDomain* domain) override;
  absl::Status Cleanup(const std::string& fta_id) override;

  // Started's work once the container's netns is known (tested with a fake).
  absl::Status SetUpNetwork(const std::string& fta_id, const std::string& netns_path);
  // Adopted's: which configured netdev the container holds.
  void RelearnNetdev(const std::string& fta_id, const std::string& netns_path);
  // ContainerNetwork::CheckRdmaExclusive (UNAVAILABLE without RDMA).
  absl::Status CheckRdma();
  std::string IdentityDir(const std::string& fta_id) const;
  std::string NetdevOf(const std::string& fta_id);

 private:
  absl::Status WriteIdentity(const FtaLaunchSpec& spec) const;
  // The devices Prepare chose for the container.
  absl::StatusOr<ContainerNetDevices> ChooseDevices(const FtaLaunchSpec& spec);

  const LxcOptions options_;
  std::shared_ptr<NetnsOps> ops_;
  ContainerNetwork network_;
  std::mutex mu_;
  std::map<std::string, ContainerNetDevices> devices_ ABSL_GUARDED_BY(mu_);  // fta id -> what moves in
};

// FAILED_PRECONDITION naming container.uri when libvirtd's LXC driver
// cannot be reached. Logs the RDMA netns mode (and its fix when it is not
// exclusive); a container given a VF fails to start then.
absl::StatusOr<std::unique_ptr<LibvirtProvisioner>> CreateLxcProvisioner(LxcOptions options);

}  // namespace fta::virt
