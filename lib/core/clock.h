// Time sources, injected so tests and benchmarks control them. Every time
// the daemon reads (timestamps, deadlines, rates) comes from a Clock.
//
// Wall-clock nanoseconds (CLOCK_REALTIME) are what IOR reports per rank and
// what lets hostd compare timestamps taken by different agents on the same
// (NTP-synchronised) clock.
#pragma once

#include <sys/prctl.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <ctime>

#include "absl/time/clock.h"
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
  // Sleeps until this clock reads `unix_ns` or a little earlier (callers
  // read the clock again). The real clock sleeps on the absolute instant, so
  // a late wake-up does not add the time spent computing the wait; a fake
  // clock sleeps one WaitSlice of real time, in which its test moves it.
  virtual void SleepUntil(int64_t unix_ns) const {
    const absl::Duration left = absl::Nanoseconds(unix_ns - NowUnixNanos());
    if (left > absl::ZeroDuration()) absl::SleepFor(std::min(left, WaitSlice()));
  }

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
  // clock_nanosleep on CLOCK_REALTIME, TIMER_ABSTIME; with the calling
  // thread's timer slack at 1 ns (default 50 us) the wake-up is as close to
  // the instant as the scheduler allows (start times of ranks across agents).
  void SleepUntil(int64_t unix_ns) const override {
    thread_local bool slack_set = false;
    if (!slack_set) slack_set = prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL) == 0;
    timespec at{static_cast<time_t>(unix_ns / 1'000'000'000), static_cast<long>(unix_ns % 1'000'000'000)};
    while (clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &at, nullptr) == EINTR) {
    }
  }
};

}  // namespace fta
