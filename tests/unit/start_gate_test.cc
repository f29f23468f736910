// StartGate: ranks parked until the common start, sleeping on the instant
// (in slices, so a dropped job is seen), an optional final spin, and the
// time the last rank parked. Time is a FakeClock; sleeping moves it.
#include "lib/agent/start_gate.h"

#include <gtest/gtest.h>

#include <functional>
#include <vector>

#include "tests/unit/fakes/fake_clock.h"

namespace fta::agent {
namespace {

using fta::testing::FakeClock;

// The FakeClock, whose SleepUntil records the instant asked for and moves
// the clock there (a sleep that ended on time).
class SleepRecordingClock final : public Clock {
 public:
  explicit SleepRecordingClock(absl::Duration step = absl::ZeroDuration()) : fake_(step) {}
  int64_t NowUnixNanos() const override { return fake_.NowUnixNanos(); }
  void SleepUntil(int64_t unix_ns) const override {
    sleeps.push_back(unix_ns);
    if (unix_ns > fake_.NowUnixNanos()) fake_.Set(unix_ns);
    if (after_sleep) after_sleep();
  }

  mutable FakeClock fake_;
  mutable std::vector<int64_t> sleeps;
  std::function<void()> after_sleep;
};

constexpr int64_t kMs = 1'000'000;

TEST(StartGateTest, RanksLeaveAtTheStartHavingSleptOnTheInstant) {
  SleepRecordingClock clock;
  const int64_t start = clock.NowUnixNanos() + 30 * kMs;
  StartGate gate(&clock, start, nullptr);
  ASSERT_TRUE(gate.Wait().ok());
  EXPECT_GE(clock.NowUnixNanos(), start);
  ASSERT_FALSE(clock.sleeps.empty());
  EXPECT_EQ(clock.sleeps.back(), start);
  for (int64_t at : clock.sleeps) EXPECT_LE(at, start);
}

TEST(StartGateTest, AStartAlreadyPassedLetsRanksGoWithoutSleeping) {
  SleepRecordingClock clock;
  StartGate gate(&clock, clock.NowUnixNanos() - kMs, nullptr);
  EXPECT_TRUE(gate.Wait().ok());
  EXPECT_TRUE(clock.sleeps.empty());
}

TEST(StartGateTest, ALongWaitIsSlicedSoADroppedJobIsSeen) {
  SleepRecordingClock clock;
  std::atomic<bool> abort{false};
  const int64_t begin = clock.NowUnixNanos();
  clock.after_sleep = [&] {
    if (clock.sleeps.size() == 3) abort = true;
  };
  StartGate gate(&clock, begin + 3600 * int64_t{1'000'000'000}, &abort);
  absl::Status waited = gate.Wait();
  EXPECT_EQ(waited.code(), absl::StatusCode::kCancelled) << waited;
  ASSERT_EQ(clock.sleeps.size(), 3u);
  int64_t previous = begin;
  for (int64_t at : clock.sleeps) {
    EXPECT_LE(at - previous, absl::ToInt64Nanoseconds(StartGate::kAbortSlice));
    previous = at;
  }
}

TEST(StartGateTest, SlicesEndWholeSlicesBeforeTheStartSoTheLastSliceIsOneSleep) {
  SleepRecordingClock clock;
  const int64_t slice = absl::ToInt64Nanoseconds(StartGate::kAbortSlice);
  const int64_t start = clock.NowUnixNanos() + 2 * slice + 7 * kMs;  // parked 2.14 slices ahead
  StartGate gate(&clock, start, nullptr);
  ASSERT_TRUE(gate.Wait().ok());
  EXPECT_EQ(clock.sleeps, (std::vector<int64_t>{start - 2 * slice, start - slice, start}));
}

TEST(StartGateTest, TheSpinWindowIsSpentReadingTheClockNotSleeping) {
  SleepRecordingClock clock(absl::Microseconds(1));  // each reading moves 1 us
  const int64_t start = clock.NowUnixNanos() + 10 * kMs;
  StartGate gate(&clock, start, nullptr, absl::Milliseconds(1));
  ASSERT_TRUE(gate.Wait().ok());
  EXPECT_GE(clock.NowUnixNanos(), start);
  ASSERT_FALSE(clock.sleeps.empty());
  for (int64_t at : clock.sleeps) EXPECT_LE(at, start - kMs);
}

TEST(StartGateTest, ReportsWhenTheLastRankParked) {
  SleepRecordingClock clock;
  const int64_t start = clock.NowUnixNanos() - kMs;  // already due: no waiting
  StartGate gate(&clock, start, nullptr);
  EXPECT_EQ(gate.last_parked_unix_ns(), 0);
  ASSERT_TRUE(gate.Wait().ok());
  const int64_t first = clock.NowUnixNanos();
  clock.fake_.Advance(absl::Milliseconds(2));
  ASSERT_TRUE(gate.Wait().ok());
  EXPECT_EQ(gate.last_parked_unix_ns(), first + 2 * kMs);
}

}  // namespace
}  // namespace fta::agent
