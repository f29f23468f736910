#include "lib/agent/phase_sync.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "lib/agent/start_gate.h"

namespace fta::agent {
namespace {

v1::SyncPoint ToProto(ior::SyncPoint point) {
  return point == ior::SyncPoint::kAfterOpen ? v1::SYNC_POINT_AFTER_OPEN : v1::SYNC_POINT_AFTER_TRANSFERS;
}

}  // namespace

AgentPhaseSync::AgentPhaseSync(int local_ranks, ArriveSink arrive, const std::atomic<bool>* abort,
                               const Clock* clock)
    : local_ranks_(local_ranks), arrive_(std::move(arrive)), abort_(abort), clock_(clock) {}

absl::Status AgentPhaseSync::Barrier(ior::SyncPoint point) { return Meet(ToProto(point), 0).status(); }

absl::StatusOr<uint64_t> AgentPhaseSync::AgreeTransferCount(uint64_t transfers_done) {
  return Meet(v1::SYNC_POINT_STONEWALL, transfers_done);
}

void AgentPhaseSync::Release(v1::SyncPoint point, uint64_t transfers, int64_t release_at_unix_ns) {
  absl::MutexLock lock(&mu_);
  PointState& state = points_[point];
  state.released = true;
  state.global_max = transfers;
  state.release_at = release_at_unix_ns;
}

absl::StatusOr<uint64_t> AgentPhaseSync::Meet(v1::SyncPoint point, uint64_t transfers) {
  uint64_t global_max = 0;
  int64_t release_at = 0;
  {
    absl::MutexLock lock(&mu_);
    PointState& state = points_[point];
    ++state.arrived;
    state.local_max = std::max(state.local_max, transfers);
    if (state.arrived == local_ranks_) arrive_(point, state.local_max);
    // The abort flag is an atomic set outside this mutex, so re-check it on a
    // short period rather than relying on a wake-up.
    auto released = [&state]() { return state.released; };
    while (!state.released) {
      if (abort_ != nullptr && abort_->load()) {
        return absl::CancelledError(absl::StrCat("job dropped while waiting at ", v1::SyncPoint_Name(point)));
      }
      mu_.AwaitWithTimeout(absl::Condition(&released), absl::Milliseconds(50));
    }
    global_max = state.global_max;
    release_at = state.release_at;
  }
  if (clock_ != nullptr && release_at > 0) {
    StartGate leave(clock_, release_at, abort_);
    if (absl::Status left = leave.Wait(); !left.ok()) return left;
  }
  return global_max;
}

}  // namespace fta::agent
