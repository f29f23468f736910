// The `libvirt` backend: every FTA is a guest defined through the libvirt C
// API (never virsh), booted from the guest template with its own qcow2
// overlay, pinned to host cores from the CapacityPlanner, with its VF passed
// through when one is assigned.
//
// A guest is recognised as ours by the fta metadata element in its domain
// XML (id + owner), so a restarted daemon finds its guests again (Adopt,
// ListOwned). Lifecycle events arrive on an event-loop thread
// (virEventRunDefaultImpl); a supervisor thread reconnects with backoff when
// libvirtd goes away and reports guests that vanished meanwhile.
//
//   LibvirtProvisionerOptions options;  options.uri = "qemu:///system"; ...
//   absl::StatusOr<std::unique_ptr<LibvirtProvisioner>> p = LibvirtProvisioner::Create(options);
//   (*p)->Start({"fta-1", "10.0.2.2:7070", "/var/lib/fta-hostd/agents/fta-1", ""});
#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "lib/core/clock.h"
#include "lib/virt/capacity.h"
#include "lib/virt/domain_flavor.h"
#include "lib/virt/domain_xml.h"
#include "lib/virt/provisioner.h"

// libvirt's opaque types, so users of this header need no libvirt headers.
struct _virConnect;
struct _virDomain;

namespace fta::virt {

struct LibvirtProvisionerOptions {
  std::string uri = "qemu:///system";
  GuestTemplate guest;
  std::string owner;                 // metadata owner, e.g. "fta-hostd:/var/lib/fta-hostd"
  std::string domain_prefix = "fta-";  // domain name = prefix + FTA id
  std::string image_dir;             // per-guest qcow2 overlays
  std::string log_dir;               // serial console logs
  // What guests dial (e.g. "10.0.2.2:7070" behind QEMU user networking).
  // Empty: the spec's agent_endpoint as given.
  std::string guest_agent_endpoint;
  std::string qemu_img = "qemu-img";
  std::string sysfs_root = "/sys";   // numa_node of the VF
  CapacityPlanner* planner = nullptr;  // not owned; null = unpinned
  // Another kind of domain (containers: lxc_provisioner.h); null = QEMU/KVM
  // guests from `guest`.
  std::shared_ptr<DomainFlavor> flavor;
  const Clock* clock = nullptr;        // not owned, required: stop deadlines
};

class LibvirtProvisioner final : public Provisioner {
 public:
  // Connects (FAILED_PRECONDITION naming libvirt.uri when libvirtd cannot be
  // reached) and starts the event and supervisor threads.
  static absl::StatusOr<std::unique_ptr<LibvirtProvisioner>> Create(LibvirtProvisionerOptions options);
  ~LibvirtProvisioner() override;

  std::string Backend() const override { return options_.flavor ? options_.flavor->Backend() : "libvirt"; }
  // Defines and starts the guest; FtaInstance.pid is the libvirt domain id.
  absl::StatusOr<FtaInstance> Start(const FtaLaunchSpec& spec) override;
  // ACPI shutdown, destroy after `grace`, undefine, delete the overlay,
  // free the cores. Works for guests this run never saw (orphans).
  absl::Status Stop(const std::string& fta_id, absl::Duration grace) override;
  // Finds the running domain by name and checks its metadata; `pid` is
  // ignored (domain ids change across libvirtd restarts).
  absl::Status Adopt(const std::string& fta_id, int64_t pid) override;
  bool IsRunning(const std::string& fta_id) override;
  absl::StatusOr<std::vector<std::string>> ListOwned() override;

  std::string DomainName(const std::string& fta_id) const { return options_.domain_prefix + fta_id; }
  std::string OverlayPath(const std::string& fta_id) const;
  // Image-booted guests' NoCloud seed (seed_iso.h), next to the overlay.
  std::string SeedIsoPath(const std::string& fta_id) const;
  std::string ConsoleLogPath(const std::string& fta_id) const;
  // The XML Start would define for `spec` (cores as given).
  absl::StatusOr<std::string> DomainXmlFor(const FtaLaunchSpec& spec, const std::vector<int>& cores) const;
  absl::StatusOr<DomainPlan> PlanFor(const FtaLaunchSpec& spec, const std::vector<int>& cores) const;

  // Lifecycle callback target (public for the C trampoline).
  void OnLifecycleEvent(const std::string& domain_name, int event, int detail);
  void OnConnectionClosed(int reason);

 private:
  explicit LibvirtProvisioner(LibvirtProvisionerOptions options);
  absl::Status Connect();
  // A referenced connection (virConnectClose when done), or UNAVAILABLE.
  absl::StatusOr<_virConnect*> Connection();
  void EventLoop();
  void SuperviseLoop();
  absl::Status CreateOverlay(const std::string& path) const;
  // The XML to define, after creating the files the domain needs.
  absl::StatusOr<std::string> PrepareDomain(const FtaLaunchSpec& spec, const std::vector<int>& cores);
  absl::Status RemoveDomainFiles(const std::string& fta_id);
  absl::Status WaitInactive(_virDomain* domain, const std::string& fta_id, absl::Duration timeout);
  // The FTA id in a domain's metadata when its owner is us, else "".
  std::string OwnedFtaId(_virDomain* domain) const;

  const LibvirtProvisionerOptions options_;

  std::mutex mu_;
  std::condition_variable changed_;  // lifecycle events, connection changes
  _virConnect* connection_ ABSL_GUARDED_BY(mu_) = nullptr;
  int lifecycle_callback_id_ ABSL_GUARDED_BY(mu_) = -1;
  bool connection_lost_ ABSL_GUARDED_BY(mu_) = false;
  std::map<std::string, bool> guests_ ABSL_GUARDED_BY(mu_);  // fta id -> stopping (exit expected)
  bool shutting_down_ ABSL_GUARDED_BY(mu_) = false;
  int keepalive_timer_ = -1;
  std::thread event_thread_;
  std::thread supervisor_;
};

}  // namespace fta::virt
