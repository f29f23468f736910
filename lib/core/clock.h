// Time sources, injected so tests and benchmarks control them.
//
// Wall-clock nanoseconds (CLOCK_REALTIME) are what IOR reports per rank and
// what lets hostd compare timestamps taken by different agents on the same
// (NTP-synchronised) clock.
#pragma once

#include <cstdint>
#include <ctime>

namespace fta {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual int64_t NowUnixNanos() const = 0;
  int64_t NowUnixMillis() const { return NowUnixNanos() / 1'000'000; }
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
