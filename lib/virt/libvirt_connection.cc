// The libvirt backend's connection: connecting, the process-wide event
// loop, lifecycle and close events, and reconnecting with backoff when
// libvirtd goes away. Guest lifecycle (define, start, stop, adopt) is in
// libvirt_provisioner.cc.
#include "lib/virt/libvirt_provisioner.h"

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "lib/core/status_macros.h"
#include "lib/virt/libvirt_error.h"
#include "spdlog/spdlog.h"

namespace fta::virt {
namespace {

// libvirt's default event implementation is process-wide: it is registered
// once and driven by one thread for the life of the process (libvirt offers
// no way to unregister it). Every provisioner's callbacks run there.
void EnsureEventLoop() {
  static std::once_flag once;
  std::call_once(once, [] {
    // libvirt prints every error to stderr unless told otherwise; errors
    // reach the log through our statuses instead.
    virSetErrorFunc(nullptr, [](void*, virErrorPtr) {});
    if (virEventRegisterDefaultImpl() < 0) {
      spdlog::error("libvirt event loop: {}", LastLibvirtError());
      return;
    }
    std::thread([] {
      while (true) {
        if (virEventRunDefaultImpl() < 0) spdlog::warn("libvirt event loop: {}", LastLibvirtError());
      }
    }).detach();
  });
}

int LifecycleTrampoline(virConnectPtr, virDomainPtr domain, int event, int detail, void* opaque) {
  const char* name = virDomainGetName(domain);
  if (name) static_cast<LibvirtProvisioner*>(opaque)->OnLifecycleEvent(name, event, detail);
  return 0;
}

void CloseTrampoline(virConnectPtr, int reason, void* opaque) {
  static_cast<LibvirtProvisioner*>(opaque)->OnConnectionClosed(reason);
}

std::string StoppedDetail(int detail) {
  switch (detail) {
    case VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN: return "the guest shut down";
    case VIR_DOMAIN_EVENT_STOPPED_DESTROYED: return "the guest was destroyed";
    case VIR_DOMAIN_EVENT_STOPPED_CRASHED: return "the guest crashed";
    case VIR_DOMAIN_EVENT_STOPPED_MIGRATED: return "the guest migrated away";
    case VIR_DOMAIN_EVENT_STOPPED_SAVED: return "the guest was saved to a file";
    case VIR_DOMAIN_EVENT_STOPPED_FAILED: return "QEMU failed";
    default: return absl::StrCat("the guest stopped (detail ", detail, ")");
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<LibvirtProvisioner>> LibvirtProvisioner::Create(LibvirtProvisionerOptions options) {
  if (options.clock == nullptr) return absl::InvalidArgumentError("LibvirtProvisionerOptions.clock: not set");
  for (const auto& [dir, key] : {std::pair{options.image_dir, "guest.image_dir"}, {options.log_dir, "log dir"}}) {
    std::error_code error;
    std::filesystem::create_directories(dir, error);
    if (dir.empty() || error) {
      return absl::FailedPreconditionError(absl::StrCat(key, ": cannot create \"", dir, "\": ", error.message()));
    }
  }
  EnsureEventLoop();
  auto provisioner = std::unique_ptr<LibvirtProvisioner>(new LibvirtProvisioner(std::move(options)));
  FTA_RETURN_IF_ERROR(provisioner->Connect());
  provisioner->supervisor_ = std::thread([p = provisioner.get()] { p->SuperviseLoop(); });
  return provisioner;
}

LibvirtProvisioner::LibvirtProvisioner(LibvirtProvisionerOptions options) : options_(std::move(options)) {}

LibvirtProvisioner::~LibvirtProvisioner() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    shutting_down_ = true;
  }
  changed_.notify_all();
  if (supervisor_.joinable()) supervisor_.join();
  // Guests outlive the daemon on purpose (a restart adopts them); only the
  // connection goes.
  std::lock_guard<std::mutex> lock(mu_);
  if (connection_) {
    if (lifecycle_callback_id_ >= 0) virConnectDomainEventDeregisterAny(connection_, lifecycle_callback_id_);
    virConnectUnregisterCloseCallback(connection_, CloseTrampoline);
    virConnectClose(connection_);
    connection_ = nullptr;
  }
}

absl::Status LibvirtProvisioner::Connect() {
  virConnectPtr connection = virConnectOpen(options_.uri.c_str());
  if (!connection) {
    return absl::FailedPreconditionError(
        absl::StrCat("libvirt.uri: cannot connect to ", options_.uri, ": ", LastLibvirtError()));
  }
  // Keepalive notices a libvirtd that died without closing the socket;
  // local drivers do not support it (return 1), which is fine.
  virConnectSetKeepAlive(connection, 5, 3);
  virConnectRegisterCloseCallback(connection, CloseTrampoline, this, nullptr);
  int callback_id = virConnectDomainEventRegisterAny(connection, nullptr, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
                                                     VIR_DOMAIN_EVENT_CALLBACK(LifecycleTrampoline), this, nullptr);
  if (callback_id < 0) {
    std::string error = LastLibvirtError();
    virConnectClose(connection);
    return absl::FailedPreconditionError(
        absl::StrCat("libvirt.uri: ", options_.uri, ": cannot subscribe to domain events: ", error));
  }
  virConnectPtr old = nullptr;
  int old_callback = -1;
  {
    std::lock_guard<std::mutex> lock(mu_);
    old = connection_;
    old_callback = lifecycle_callback_id_;
    connection_ = connection;
    lifecycle_callback_id_ = callback_id;
    connection_lost_ = false;
  }
  if (old) {
    if (old_callback >= 0) virConnectDomainEventDeregisterAny(old, old_callback);
    virConnectUnregisterCloseCallback(old, CloseTrampoline);
    virConnectClose(old);
  }
  changed_.notify_all();
  spdlog::info("libvirt: connected to {}", options_.uri);
  return absl::OkStatus();
}

absl::StatusOr<virConnectPtr> LibvirtProvisioner::Connection() {
  std::lock_guard<std::mutex> lock(mu_);
  if (!connection_ || connection_lost_) {
    return absl::UnavailableError(absl::StrCat("libvirt: not connected to ", options_.uri, " (reconnecting)"));
  }
  virConnectRef(connection_);
  return connection_;
}

void LibvirtProvisioner::OnConnectionClosed(int reason) {
  spdlog::warn("libvirt: connection to {} closed (reason {}); reconnecting", options_.uri, reason);
  {
    std::lock_guard<std::mutex> lock(mu_);
    connection_lost_ = true;
  }
  changed_.notify_all();
}

void LibvirtProvisioner::SuperviseLoop() {
  absl::Duration backoff = absl::Seconds(1);
  std::unique_lock<std::mutex> lock(mu_);
  while (!shutting_down_) {
    changed_.wait_for(lock, absl::ToChronoMilliseconds(connection_lost_ ? backoff : absl::Seconds(1)));
    if (shutting_down_) return;
    bool alive = connection_ && !connection_lost_ && virConnectIsAlive(connection_) == 1;
    if (alive) continue;
    connection_lost_ = true;
    lock.unlock();
    absl::Status connected = Connect();
    if (connected.ok()) {
      backoff = absl::Seconds(1);
      // Guests that vanished while we could not hear about it.
      std::vector<std::string> expected;
      {
        std::lock_guard<std::mutex> guard(mu_);
        for (const auto& [id, stopping] : guests_) {
          if (!stopping) expected.push_back(id);
        }
      }
      for (const std::string& id : expected) {
        if (!IsRunning(id)) OnLifecycleEvent(DomainName(id), VIR_DOMAIN_EVENT_STOPPED, -1);
      }
    } else {
      spdlog::warn("libvirt: {}; retrying in {}", std::string(connected.message()), absl::FormatDuration(backoff));
      backoff = std::min(backoff * 2, absl::Seconds(30));
    }
    lock.lock();
  }
}

void LibvirtProvisioner::OnLifecycleEvent(const std::string& domain_name, int event, int detail) {
  changed_.notify_all();
  if (event != VIR_DOMAIN_EVENT_STOPPED) return;
  if (!absl::StartsWith(domain_name, options_.domain_prefix)) return;
  std::string fta_id = domain_name.substr(options_.domain_prefix.size());
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = guests_.find(fta_id);
    if (it == guests_.end() || it->second) return;  // not ours, or asked to stop
    guests_.erase(it);
  }
  std::string description = detail < 0 ? "the guest disappeared while libvirtd was unreachable"
                                        : StoppedDetail(detail);
  description += absl::StrCat(" (console log ", ConsoleLogPath(fta_id), ")");
  spdlog::warn("{}: {}", fta_id, description);
  ReportExit(FtaExit{fta_id, description});
}
}  // namespace fta::virt
