// Runs one IOR phase on all ranks of this agent at once and reports live
// throughput while it runs.
//
// One thread per rank, because ranks of one agent stand for separate IOR
// processes and must overlap exactly like them. The calling thread samples
// the ranks' LiveCounters every `sample_interval` and hands deltas to
// `on_sample`, then one last partial delta when the ranks are done (only if
// it is non-zero, so a phase always reports every byte it moved).
//
//   std::vector<absl::StatusOr<ior::PhaseMeasurement>> results =
//       RunPhase(engines, fta::v1::PHASE_WRITE, &abort, 1000ms, clock, send_sample);
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <vector>

#include "absl/status/statusor.h"
#include "fta/v1/common.pb.h"
#include "lib/agent/rank_engine.h"
#include "lib/core/clock.h"

namespace fta::agent {

// Bytes and transfers completed by all ranks in [start_ns, end_ns).
struct SampleDelta {
  int64_t start_ns = 0;
  int64_t end_ns = 0;
  uint64_t bytes = 0;
  uint64_t ops = 0;
};

// True for the phases an agent can run (write, read, remove).
bool IsRunnablePhase(fta::v1::Phase phase);

// Runs `phase` on every engine; results are in the order of `engines`.
// PHASE_REMOVE is timed around the unlink (open/xfer start = before, xfer/close
// end = after; bytes and ops 0). Setting *abort stops the write/read loops
// within one transfer; a rank that fails sets *abort itself so its siblings
// stop too (the part is failed anyway). Returns when every rank thread has
// been joined. `await_start` (may be empty) is the common start: the rank
// threads start at once and wait for it, inside the engine after its
// untimed preparation (RankEngine::AwaitsStartItself) or else before
// calling it. The calling thread sleeps until `quiet_until_ns` (clock time,
// 0: no quiet time) before its first sample, even when the ranks finish
// earlier: at a common start the ranks of every agent on the host wake
// together, and a supervisor woken by its ranks' end would take CPU from
// ranks of other agents that have not opened yet.
std::vector<absl::StatusOr<ior::PhaseMeasurement>> RunPhase(
    const std::vector<RankEngine*>& engines, fta::v1::Phase phase, std::atomic<bool>* abort,
    std::chrono::milliseconds sample_interval, const Clock& clock,
    const std::function<void(const SampleDelta&)>& on_sample,
    const std::function<absl::Status()>& await_start = {}, int64_t quiet_until_ns = 0);

}  // namespace fta::agent
