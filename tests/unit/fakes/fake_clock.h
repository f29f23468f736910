// FakeClock: the one test clock. Time moves only when the test says so
// (Advance, Set) or, with a step, by `step` on every reading (each timestamp
// an engine takes is then distinct and ordered, and a deadline passes after
// a known number of readings without real waiting).
//
//   FakeClock clock;                        // frozen at kStart
//   FakeClock ticking(absl::Microseconds(1)); // +1 µs per reading
//   clock.Advance(absl::Seconds(61));       // a 60 s deadline has passed
#pragma once

#include <atomic>
#include <cstdint>

#include "absl/time/time.h"
#include "lib/core/clock.h"

namespace fta::testing {

class FakeClock final : public Clock {
 public:
  static constexpr int64_t kStart = 1'700'000'000'000'000'000;  // 2023-11-14

  explicit FakeClock(absl::Duration step = absl::ZeroDuration(), int64_t start_ns = kStart)
      : step_ns_(absl::ToInt64Nanoseconds(step)), now_(start_ns) {}

  int64_t NowUnixNanos() const override { return now_.fetch_add(step_ns_) + step_ns_; }
  // Waiters on this clock (EventQueue::Pop) look again this often in real
  // time, so an Advance from the test thread ends their wait.
  absl::Duration WaitSlice() const override { return absl::Milliseconds(1); }

  void Advance(absl::Duration by) { now_.fetch_add(absl::ToInt64Nanoseconds(by)); }
  void Set(int64_t unix_ns) { now_.store(unix_ns); }

 private:
  const int64_t step_ns_;
  mutable std::atomic<int64_t> now_;
};

}  // namespace fta::testing
