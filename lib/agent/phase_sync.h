// The agent's side of the sync points inside a phase (proto SyncPoint): the
// ranks of this agent meet locally, the last one to arrive tells fta-hostd
// (SyncArrive, with the largest transfer count of the local ranks), and all
// of them wait for the host's SyncRelease, which comes once every agent of
// the job has arrived. One instance per phase run.
//
//   AgentPhaseSync sync(engines.size(), send_arrive, &job->abort);
//   ior::PhaseHooks hooks{&sync, go.max_transfers()};
//   ... ranks call sync.Barrier(...) / sync.AgreeTransferCount(...)
//   sync.Release(v1::SYNC_POINT_AFTER_OPEN, 0);   // from the reader thread
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "fta/agent/v1/agent.pb.h"
#include "lib/core/clock.h"
#include "lib/ior/posix_engine.h"

namespace fta::agent {

class AgentPhaseSync final : public ior::PhaseSync {
 public:
  // Called once per point, by the last local rank to arrive.
  using ArriveSink = std::function<void(v1::SyncPoint point, uint64_t transfers)>;

  // `abort` (not owned) makes waiting ranks return CANCELLED: a dropped or
  // failed job never gets its release. `clock` (not owned; null: leave at
  // once) times the release.
  AgentPhaseSync(int local_ranks, ArriveSink arrive, const std::atomic<bool>* abort,
                 const Clock* clock = nullptr);

  absl::Status Barrier(ior::SyncPoint point) override;
  absl::StatusOr<uint64_t> AgreeTransferCount(uint64_t transfers_done) override;

  // The host's SyncRelease for `point`; `transfers` is the global maximum;
  // the ranks leave at `release_at_unix_ns` (0: at once).
  void Release(v1::SyncPoint point, uint64_t transfers, int64_t release_at_unix_ns = 0);

 private:
  struct PointState {
    int arrived = 0;
    uint64_t local_max = 0;
    bool released = false;
    uint64_t global_max = 0;
    int64_t release_at = 0;
  };

  absl::StatusOr<uint64_t> Meet(v1::SyncPoint point, uint64_t transfers);

  const int local_ranks_;
  const ArriveSink arrive_;
  const std::atomic<bool>* const abort_;
  const Clock* const clock_;
  absl::Mutex mu_;
  std::map<int, PointState> points_ ABSL_GUARDED_BY(mu_);
};

}  // namespace fta::agent
