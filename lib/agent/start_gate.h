// StartGate: where the ranks of one agent wait for a phase's common start
// (Go.start_at_unix_ns). Ranks are started when the Go arrives, do
// everything that is not timed (directory, the old file's unlink, buffer),
// then park here; at the start instant they leave together and open. So the
// only work between the instant and the open is waking up.
//
// The wait sleeps on the absolute instant (Clock::SleepUntil: the real clock
// uses clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME) with 1 ns timer slack),
// in slices of at most kAbortSlice so a dropped job is noticed; the slices
// end at whole slices before the instant, so no parked rank wakes in the
// last slice before it. An optional
// final spin reads the clock until the instant: it helps only when there
// are fewer waiting ranks than idle cores (64 agents on 2 cores spinning
// starve each other; measured in bench/start_skew.sh), so it is off unless
// asked for.
//
//   StartGate gate(clock, go.start_at_unix_ns(), &job->abort);
//   ... each rank thread: FTA_RETURN_IF_ERROR(gate.Wait()); open ...
//   done->set_ranks_parked_unix_ns(gate.last_parked_unix_ns());
#pragma once

#include <atomic>
#include <cstdint>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "lib/core/clock.h"

namespace fta::agent {

class StartGate {
 public:
  // Longest single sleep: how soon a dropped job's ranks notice.
  static constexpr absl::Duration kAbortSlice = absl::Milliseconds(50);

  // `clock` and `abort` (may be null) are not owned. `spin`: the last part
  // of the wait spent reading the clock instead of sleeping (0: none).
  StartGate(const Clock* clock, int64_t start_at_unix_ns, const std::atomic<bool>* abort,
            absl::Duration spin = absl::ZeroDuration());

  // Returns OK once the clock reads the start (at once when it has passed),
  // CANCELLED when *abort turns true first. Any number of threads.
  absl::Status Wait();

  // Clock reading when the last caller of Wait() so far arrived (0: none).
  int64_t last_parked_unix_ns() const { return last_parked_.load(); }
  int64_t start_at_unix_ns() const { return start_at_; }

 private:
  const Clock* const clock_;
  const int64_t start_at_;
  const std::atomic<bool>* const abort_;
  const int64_t spin_ns_;
  std::atomic<int64_t> last_parked_{0};
};

}  // namespace fta::agent
