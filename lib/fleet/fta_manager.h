// FtaManager: the FTAs of this host, from decision to process.
//
// It decides (capacity, ids), records every decision in the store before
// acting on it, asks the Provisioner to make it real, and follows the agents'
// connections and exits so `vm list` tells the truth. All public methods are
// thread-safe.
//
//   absl::StatusOr<std::vector<Fta>> ftas = manager.Allocate(4, absl::Seconds(60));
//   manager.Release({"fta-2"}, /*all=*/false);
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "fta/v1/common.pb.h"
#include "lib/core/clock.h"
#include "lib/core/paging.h"
#include "lib/fleet/agent_registry.h"
#include "lib/sriov/vf_pool.h"
#include "lib/store/store.h"
#include "lib/virt/provisioner.h"

namespace fta::hostd {

class FtaManager final : public AgentListener, public JobFleet, public SweepFleet {
 public:
  struct Options {
    std::string agent_endpoint;
    // Issues an FTA's credentials before it starts (returns the directory
    // handed to the provisioner) and discards them when it is released;
    // unset: FTAs start without credentials.
    std::function<absl::StatusOr<std::string>(const std::string& fta_id)> issue_credentials;
    std::function<void(const std::string& fta_id)> discard_credentials;
    int max_ftas = 16;
    absl::Duration connect_timeout = absl::Seconds(60);
    absl::Duration stop_grace = absl::Seconds(10);
    // Backend capacity on top of max_ftas (libvirt: the CapacityPlanner):
    // OK, or RESOURCE_EXHAUSTED saying how many more fit and why.
    // `kind`: what is being started (process FTAs hold no cores).
    std::function<absl::Status(int requested, fta::v1::FtaKind kind)> admit;
    // Every backend this host offers, the default first (containers add
    // "lxc"); empty = the provisioner's Backend() alone.
    std::vector<std::string> backends;
  };
  // Nothing is owned. Call AttachRegistry before use (the registry needs this
  // object as its listener, so it is built after).
  FtaManager(Options options, store::Store* store, virt::Provisioner* provisioner, const Clock* clock);
  void AttachRegistry(AgentRegistry* registry) { registry_ = registry; }
  // The VF pool (not owned; may stay unset: no SR-IOV, FTAs get no VF).
  // Attach before Reconcile. When it manages VFs, every guest FTA gets one
  // (fta_vfs.cc), held in the store in the FTA row's transaction.
  void AttachVfPool(sriov::VfPool* pool) { vf_pool_ = pool; }
  // Periodically and before `vf list`: FTAs whose VF vanished from sysfs
  // since the last look are marked degraded, ones whose VF came back are
  // healthy again. One line per change, for the log.
  std::vector<std::string> CheckVfs();

  // Daemon start: adopt FTAs a previous run left running, mark the rest
  // FAILED. Returns one line per repair for the log.
  absl::StatusOr<std::vector<std::string>> Reconcile();
  // The same, for a running daemon (hostd calls it every
  // provisioner.reconcile_interval_s): instances carrying our mark that no
  // active FTA owns are stopped (ReconcileOrphans' policy), and a guest FTA
  // whose instance is gone (an event missed while libvirtd was away, a
  // domain undefined behind hostd's back) fails and frees its VF, as if it
  // had exited. FTAs still STARTING are left to their connect deadline. A
  // round is skipped while an allocation or release runs. Returns the repairs.
  std::vector<std::string> ReconcileRunning();

  // Starts `count` FTAs of `kind` and waits until their agents connected.
  // UNSPECIFIED is the default backend's kind; on a host with several
  // backends (containers beside processes or guests) the one starting
  // `kind` does it; a kind none starts is FAILED_PRECONDITION naming `kind`
  // (fta_kinds.h). On any failure every FTA of this call is stopped and
  // released again. `owner` ("" = none) is validated (owner.h) and recorded
  // on every FTA.
  absl::StatusOr<std::vector<fta::v1::Fta>> Allocate(int count, absl::Duration connect_timeout,
                                                     fta::v1::FtaKind kind, const std::string& owner);
  // Without an owner (SweepFleet).
  absl::StatusOr<std::vector<fta::v1::Fta>> Allocate(int count, absl::Duration connect_timeout,
                                                     fta::v1::FtaKind kind) override {
    return Allocate(count, connect_timeout, kind, "");
  }
  // NOT_FOUND for unknown ids, FAILED_PRECONDITION for busy ones; checked for
  // every id before anything is stopped.
  absl::StatusOr<std::vector<std::string>> Release(const std::vector<std::string>& ids, bool all) override;
  absl::StatusOr<std::vector<fta::v1::Fta>> List(bool include_released) override;
  // One page of the same list, in creation order (keyset paging through the
  // store, lib/core/paging.h), with the live state of active FTAs.
  absl::StatusOr<Page<fta::v1::Fta>> List(bool include_released, const PageQuery& query);
  absl::StatusOr<fta::v1::Fta> Get(const std::string& id) override;
  // Waits until the FTAs (every active guest when `ids` is empty) have
  // connected agents. NOT_FOUND for unknown ids, DEADLINE_EXCEEDED naming
  // the missing ones.
  absl::StatusOr<std::vector<fta::v1::Fta>> WaitReady(const std::vector<std::string>& ids, absl::Duration timeout) override;

  // Starts the host's own agent if it is not connected, and waits for it.
  absl::Status EnsureNative(absl::Time deadline) override;

  // Ids of guest FTAs whose agent is connected and not busy (fta_owners.cc).
  std::vector<std::string> ReadyGuestIds() override;
  // ---- Owners (fta_owners.cc) ----
  // The same, restricted to `owner`'s FTAs (`ior run --on owner:NAME`), the
  // first `max` of them (0: all). INVALID_ARGUMENT for a malformed owner or
  // a negative max, FAILED_PRECONDITION naming the owner when fewer than
  // `max` (or none) are ready.
  absl::StatusOr<std::vector<std::string>> ReadyIdsOf(const std::string& owner, int max) override;
  // Releases every active FTA of `owner` (none: an empty list, not an
  // error, so an epilog after a failed prolog succeeds). Busy ones are
  // FAILED_PRECONDITION as in Release.
  absl::StatusOr<std::vector<std::string>> ReleaseOwner(const std::string& owner);
  // Active FTAs (or every one with include_released) of `owner`, in creation order.
  absl::StatusOr<std::vector<fta::v1::Fta>> ListOwner(bool include_released, const std::string& owner);
  // Job bookkeeping: an FTA takes part in one job at a time.
  absl::Status MarkBusy(const std::vector<std::string>& ids, const std::string& job_id) override;
  void MarkIdle(const std::vector<std::string>& ids) override;
  std::string BusyWith(const std::string& id);

  int max_ftas() const override { return options_.max_ftas; }
  int ActiveCount();

  // Provisioner exit handler.
  void OnFtaExit(const virt::FtaExit& exit);
  // AgentListener
  void OnAgentConnected(const fta::agent::v1::AgentHello& hello) override;
  void OnAgentLost(const std::string& fta_id, const std::string& reason) override;

 private:
  // Active FTAs as the fleet sees them now (the store lags), READY ones in a
  // job shown BUSY.
  void WithLiveState(std::vector<fta::v1::Fta>& ftas);
  // `backend`: which of the host's backends starts it ("process", "libvirt", "lxc").
  absl::StatusOr<fta::v1::Fta> LaunchLocked(const std::string& id, fta::v1::FtaKind kind, const std::string& backend,
                                            const std::string& owner)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(allocate_mu_);
  // ---- fta_launch.cc ----
  // Launches `count` new FTAs (LaunchLocked each); the ids of those started
  // go to `started`, also on failure (the first error, after which no more
  // are started).
  absl::Status LaunchAllLocked(int count, fta::v1::FtaKind kind, const std::string& backend,
                               const std::string& owner, std::vector<std::string>* started)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(allocate_mu_);
  // Updates the cached record and the store.
  absl::Status Update(const std::string& id, const std::function<void(fta::v1::Fta*)>& change);
  absl::Status StopAndRelease(const std::string& id, const std::string& why);
  absl::Status ReconcileOrphans(std::vector<std::string>* repairs);
  // ---- VFs (fta_vfs.cc) ----
  bool UsesVfs() const;
  // RESOURCE_EXHAUSTED when fewer than `count` VFs are free.
  absl::Status CheckVfCapacity(int count);
  // Gives a new guest FTA its VF (the pool's choice) before it is recorded.
  absl::Status ClaimVf(fta::v1::Fta* fta);
  // Store write of the FTA with its VF assignment; a VF the FTA no longer
  // holds (released, failed) goes back to the pool.
  absl::Status PersistWithVf(const fta::v1::Fta& fta);
  // After adoption: pool ownership from the store; VFs of FTAs that are
  // gone come back, FTAs whose VF vanished are marked degraded.
  absl::Status ReconcileVfs(const std::vector<store::Store::VfAssignment>& held_before,
                            std::vector<std::string>* repairs);
  int ActiveCountLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const Options options_;
  store::Store* store_;
  virt::Provisioner* provisioner_;
  const Clock* clock_;
  AgentRegistry* registry_ = nullptr;
  sriov::VfPool* vf_pool_ = nullptr;

  std::mutex allocate_mu_;  // one allocation/release at a time: capacity stays exact
  std::mutex mu_;
  std::map<std::string, fta::v1::Fta> ftas_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::string> busy_ ABSL_GUARDED_BY(mu_);  // fta id -> job id
};

}  // namespace fta::hostd
