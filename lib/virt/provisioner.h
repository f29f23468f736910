// Provisioner: the seam between the daemon and whatever hosts an FTA.
//
// An FTA is one fta-agent with its own slice of the host: a KVM guest with
// one VF (libvirt backend) or a supervised process (process backend, the
// light FTA the poster proposes as the next step). The daemon decides *which*
// FTAs exist (the store); a Provisioner makes them exist and reports when
// one dies on its own.
//
//   provisioner->SetExitHandler([&](const FtaExit& exit) { ... });
//   absl::StatusOr<FtaInstance> fta = provisioner->Start(spec);
//   provisioner->Stop(fta->fta_id, absl::Seconds(10));
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace fta::virt {

// What an FTA needs to find the daemon and prove who it is.
struct FtaLaunchSpec {
  std::string fta_id;
  std::string agent_endpoint;  // "unix:/run/fta-hostd/agent.sock" or "host:port"
  // The FTA's own credentials (lib/pki/agent_credentials.h): "token", and
  // "cert.pem", "key.pem", "ca.pem" when the agent endpoint is TLS; "" = none.
  std::string credentials_dir;
  std::string vf_pci_address;  // libvirt backend: VF to pass through ("0000:03:00.1"), "" = none
  // Which backend starts it when a host offers several (BackendRouter):
  // "process", "libvirt", "lxc"; "" = the host's default.
  std::string backend;
};

struct FtaInstance {
  std::string fta_id;
  int64_t pid = 0;          // process backend: the agent's pid
  std::string log_path;     // where the FTA's console/stdout goes
};

// An FTA that went away without being asked to.
struct FtaExit {
  std::string fta_id;
  std::string description;  // "exited with status 1", "killed by signal 9"
};

class Provisioner {
 public:
  virtual ~Provisioner() = default;

  // "process", "libvirt" or "lxc".
  virtual std::string Backend() const = 0;

  // Called from the provisioner's own thread for every unexpected exit.
  // Set before the first Start/Adopt. (A provisioner that routes to others,
  // BackendRouter or SplitProvisioner, sets theirs to report through it.)
  void SetExitHandler(std::function<void(const FtaExit&)> handler) {
    std::lock_guard<std::mutex> lock(exit_mu_);
    exit_handler_ = std::move(handler);
  }

  // Brings the FTA up; returns once it is launched (not once its agent has
  // connected: the daemon waits for that).
  virtual absl::StatusOr<FtaInstance> Start(const FtaLaunchSpec& spec) = 0;

  // Stops it: polite first, forced after `grace`. Stopping an FTA the
  // provisioner does not know is OK (idempotent release).
  virtual absl::Status Stop(const std::string& fta_id, absl::Duration grace) = 0;

  // After a daemon restart: take over an FTA a previous run started.
  // NOT_FOUND when it no longer exists (or the pid now belongs to something
  // else).
  virtual absl::Status Adopt(const std::string& fta_id, int64_t pid) = 0;

  virtual bool IsRunning(const std::string& fta_id) = 0;

  // FTA ids of every instance that exists now and carries this daemon's
  // mark (libvirt: the fta metadata element with our owner), whether or not
  // the store knows them. Reconcile stops the ones the store does not.
  virtual absl::StatusOr<std::vector<std::string>> ListOwned() { return std::vector<std::string>{}; }

 protected:
  // Implementations report every unexpected exit here (not under a lock of
  // their own: the handler may call back into them).
  void ReportExit(const FtaExit& exit) {
    std::function<void(const FtaExit&)> handler;
    {
      std::lock_guard<std::mutex> lock(exit_mu_);
      handler = exit_handler_;
    }
    if (handler) handler(exit);
  }

  // For routers: `backend`'s exits are reported as this provisioner's.
  void ForwardExits(Provisioner* backend) {
    backend->SetExitHandler([this](const FtaExit& exit) { ReportExit(exit); });
  }

 private:
  std::mutex exit_mu_;
  std::function<void(const FtaExit&)> exit_handler_ ABSL_GUARDED_BY(exit_mu_);
};

}  // namespace fta::virt
