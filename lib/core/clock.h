// Time sources, injected so tests and benchmarks control them. Every time
// the daemon reads (timestamps, deadlines, rates) comes from a Clock.
//
// Wall-clock nanoseconds (CLOCK_REALTIME) are what IOR reports per rank and
// what lets hostd compare timestamps taken by different agents on the same
// (NTP-synchronised) clock.
#pragma once

#include <cstdint>
#include <ctime>

#include "absl/time/time.h"

namespace fta {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual int64_t NowUnixNanos() const = 0;
  // How long a waiter (EventQueue::Pop) may block before it reads the clock
  // again. The real clock's deadlines pass by themselves; a fake clock's
  // time moves when its test advances it, which wakes no one, so its
  // waiters look again in short slices.
  virtual absl::Duration WaitSlice() const { return absl::InfiniteDuration(); }

  int64_t NowUnixMillis() const { return NowUnixNanos() / 1'000'000; }
  absl::Time Now() const { return absl::FromUnixNanos(NowUnixNanos()); }
};

class RealClock final : public Clock {
 public:
  int64_t NowUnixNanos() const override {
    timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
  }
};

}  // namespace fta
