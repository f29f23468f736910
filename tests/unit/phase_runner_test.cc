// RunPhase: every byte a rank moved is reported, and the supervisor keeps
// quiet until the instant it was given (so at a common start it leaves the
// CPU to the ranks of other agents), unless a rank fails first.
#include "lib/agent/phase_runner.h"

#include <gtest/gtest.h>

#include <atomic>
#include <vector>

#include "tests/unit/fakes/fake_clock.h"

namespace fta::agent {
namespace {

using fta::testing::FakeClock;

constexpr int64_t kMs = 1'000'000;

// A FakeClock whose sleeps end on time: SleepUntil moves it to the instant.
class OnTimeClock final : public Clock {
 public:
  int64_t NowUnixNanos() const override { return fake_.NowUnixNanos(); }
  void SleepUntil(int64_t unix_ns) const override {
    if (unix_ns > fake_.NowUnixNanos()) fake_.Set(unix_ns);
  }

 private:
  mutable FakeClock fake_;
};

// Moves a fixed number of bytes at once, or fails.
class OneShotEngine final : public RankEngine {
 public:
  explicit OneShotEngine(bool fail) : fail_(fail) {}
  absl::StatusOr<ior::PhaseMeasurement> Write(ior::LiveCounters* counters, const std::atomic<bool>*) override {
    if (fail_) return absl::PermissionDeniedError("open testfile.00000000: Permission denied");
    counters->bytes += kBytes;
    counters->ops += 1;
    ior::PhaseMeasurement m;
    m.bytes = kBytes;
    m.ops = 1;
    return m;
  }
  absl::StatusOr<ior::PhaseMeasurement> Read(ior::LiveCounters* counters, const std::atomic<bool>* cancel) override {
    return Write(counters, cancel);
  }
  absl::Status Remove() override { return absl::OkStatus(); }

  static constexpr uint64_t kBytes = 4096;

 private:
  const bool fail_;
};

TEST(PhaseRunnerTest, SupervisorSleepsThroughTheQuietTimeBeforeItsFirstSample) {
  OnTimeClock clock;
  const int64_t quiet_until = clock.NowUnixNanos() + 20 * kMs;
  OneShotEngine a(false), b(false);
  std::atomic<bool> abort{false};
  std::vector<SampleDelta> samples;
  auto results = RunPhase({&a, &b}, fta::v1::PHASE_WRITE, &abort, std::chrono::milliseconds(100), clock,
                          [&](const SampleDelta& d) { samples.push_back(d); }, {}, quiet_until);

  ASSERT_EQ(results.size(), 2u);
  for (const auto& r : results) ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_FALSE(samples.empty());
  uint64_t bytes = 0;
  for (const SampleDelta& d : samples) {
    // The ranks were done long before; a supervisor woken by them would
    // have sampled at the phase's start instant.
    EXPECT_GE(d.end_ns, quiet_until);
    bytes += d.bytes;
  }
  EXPECT_EQ(bytes, 2 * OneShotEngine::kBytes);
}

TEST(PhaseRunnerTest, FailedRankEndsTheQuietTime) {
  FakeClock clock;  // never moves: only the failure can end the quiet time
  const int64_t quiet_until = clock.NowUnixNanos() + 3600'000 * kMs;
  OneShotEngine failing(true), fine(false);
  std::atomic<bool> abort{false};
  auto results = RunPhase({&failing, &fine}, fta::v1::PHASE_WRITE, &abort, std::chrono::milliseconds(100), clock,
                          [](const SampleDelta&) {}, {}, quiet_until);

  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_TRUE(abort.load());
}

}  // namespace
}  // namespace fta::agent
