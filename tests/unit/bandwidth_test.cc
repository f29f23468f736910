#include "lib/ior/bandwidth.h"

#include <cstdint>
#include <vector>

#include <google/protobuf/text_format.h>
#include <google/protobuf/util/message_differencer.h>

#include "absl/status/status.h"
#include "gtest/gtest.h"

namespace fta::ior {
namespace {

constexpr int64_t kBase = 1'700'000'000'000'000'000;  // some wall-clock instant
constexpr uint64_t kMiB = 1 << 20;

// Timestamps in milliseconds after kBase, to keep the examples readable.
PhaseMeasurement Rank(int64_t open_start, int64_t open_end, int64_t xfer_start, int64_t xfer_end,
                      int64_t close_start, int64_t close_end, uint64_t bytes, uint64_t ops) {
  auto ns = [](int64_t ms) { return kBase + ms * 1'000'000; };
  PhaseMeasurement m;
  m.open_start_ns = ns(open_start);
  m.open_end_ns = ns(open_end);
  m.xfer_start_ns = ns(xfer_start);
  m.xfer_end_ns = ns(xfer_end);
  m.close_start_ns = ns(close_start);
  m.close_end_ns = ns(close_end);
  m.bytes = bytes;
  m.ops = ops;
  return m;
}

// Three ranks, 100 MiB each in 100 transfers of 1 MiB. Worked by hand:
//   first open start 900 ms (rank 2), last close end 4100 ms (rank 2)
//   total = 3.2 s -> 300 MiB / 3.2 s = 93.75 MiB/s = 98.304 MB/s
//   open  = max open end 1250 - min open start 900   = 0.35 s
//   xfer  = max xfer end 3500 - min xfer start 1000  = 2.5 s -> 300 ops / 2.5 s = 120 IOPS
//   close = max close end 4100 - min close start 2900 = 1.2 s
//   skew  = max open start 1200 - min open start 900 = 0.3 s
std::vector<PhaseMeasurement> ThreeRanks() {
  return {
      Rank(1000, 1100, 1100, 3000, 3000, 3100, 100 * kMiB, 100),
      Rank(1200, 1250, 1300, 3500, 3500, 3600, 100 * kMiB, 100),
      Rank(900, 1000, 1000, 2800, 2900, 4100, 100 * kMiB, 100),
  };
}

TEST(AggregatePhase, BandwidthIsTotalBytesOverFirstOpenToLastClose) {
  absl::StatusOr<fta::v1::PhaseAggregate> agg = AggregatePhase(ThreeRanks());
  ASSERT_TRUE(agg.ok()) << agg.status();
  EXPECT_EQ(agg->bytes(), static_cast<int64_t>(300 * kMiB));
  EXPECT_EQ(agg->ranks(), 3);
  EXPECT_DOUBLE_EQ(agg->total_seconds(), 3.2);  // first open start 900 ms .. last close end 4100 ms
  EXPECT_DOUBLE_EQ(agg->bandwidth_mib(), 93.75);
  EXPECT_DOUBLE_EQ(agg->bandwidth_mb(), 98.304);
}

TEST(AggregatePhase, IopsUseTheTransferInterval) {
  absl::StatusOr<fta::v1::PhaseAggregate> agg = AggregatePhase(ThreeRanks());
  ASSERT_TRUE(agg.ok());
  EXPECT_DOUBLE_EQ(agg->xfer_seconds(), 2.5);
  EXPECT_DOUBLE_EQ(agg->iops(), 120.0);
}

TEST(AggregatePhase, StepTimesAreSpreadsAcrossRanks) {
  absl::StatusOr<fta::v1::PhaseAggregate> agg = AggregatePhase(ThreeRanks());
  ASSERT_TRUE(agg.ok());
  EXPECT_NEAR(agg->open_seconds(), 0.35, 1e-12);
  EXPECT_NEAR(agg->close_seconds(), 1.2, 1e-12);
  EXPECT_NEAR(agg->start_skew_seconds(), 0.3, 1e-12);
}

TEST(AggregatePhase, SingleRankMatchesItsOwnTimes) {
  absl::StatusOr<fta::v1::PhaseAggregate> agg =
      AggregatePhase({Rank(0, 500, 500, 1500, 1500, 2000, 64 * kMiB, 64)});
  ASSERT_TRUE(agg.ok());
  EXPECT_DOUBLE_EQ(agg->total_seconds(), 2.0);
  EXPECT_DOUBLE_EQ(agg->bandwidth_mib(), 32.0);
  EXPECT_DOUBLE_EQ(agg->iops(), 64.0);
  EXPECT_DOUBLE_EQ(agg->start_skew_seconds(), 0.0);
}

TEST(AggregatePhase, EmptyListIsAnError) {
  absl::StatusOr<fta::v1::PhaseAggregate> agg = AggregatePhase({});
  EXPECT_EQ(agg.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(AggregatePhase, NonPositiveIntervalIsAnError) {
  absl::StatusOr<fta::v1::PhaseAggregate> agg =
      AggregatePhase({Rank(1000, 1000, 1000, 1000, 1000, 1000, 8, 1)});
  EXPECT_EQ(agg.status().code(), absl::StatusCode::kFailedPrecondition);
  agg = AggregatePhase({Rank(2000, 1000, 1000, 1000, 1000, 1000, 8, 1)});
  EXPECT_EQ(agg.status().code(), absl::StatusCode::kFailedPrecondition);
}

fta::v1::PhaseAggregate Iteration(double mib, double seconds) {
  fta::v1::PhaseAggregate v;
  v.set_bandwidth_mib(mib);
  v.set_bandwidth_mb(mib * 1.048576);
  v.set_total_seconds(seconds);
  v.set_bytes(static_cast<int64_t>(mib * seconds * kMiB));
  return v;
}

// The window in which all three ranks were active: max open start 1200 ..
// min close end 3100 = 1.9 s. Bytes in it, each rank's 100 MiB prorated over
// its transfer interval:
//   rank 0 xfer 1100..3000 (1.9 s), overlap 1200..3000 = 1.8 s -> 100*18/19
//   rank 1 xfer 1300..3500 (2.2 s), overlap 1300..3100 = 1.8 s -> 100*18/22
//   rank 2 xfer 1000..2800 (1.8 s), overlap 1200..2800 = 1.6 s -> 100*16/18
TEST(AggregatePhase, AllActiveWindowProratesEachRanksBytesOverItsTransferInterval) {
  absl::StatusOr<fta::v1::PhaseAggregate> v = AggregatePhase(ThreeRanks());
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_NEAR(v->all_active_seconds(), 1.9, 1e-9);
  const double mib = 100.0 * 18 / 19 + 100.0 * 18 / 22 + 100.0 * 16 / 18;
  EXPECT_NEAR(v->all_active_bandwidth_mib(), mib / 1.9, 1e-6);
  EXPECT_NEAR(v->start_skew_seconds(), 0.3, 1e-9);
}

TEST(AggregatePhase, RanksThatNeverOverlapHaveNoAllActiveWindow) {
  absl::StatusOr<fta::v1::PhaseAggregate> v = AggregatePhase(
      {Rank(0, 0, 0, 1000, 1000, 1000, 10 * kMiB, 10), Rank(2000, 2000, 2000, 3000, 3000, 3000, 10 * kMiB, 10)});
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->all_active_seconds(), 0);
  EXPECT_EQ(v->all_active_bandwidth_mib(), 0);
  EXPECT_NEAR(v->bandwidth_mib(), 20.0 / 3.0, 1e-9);  // the IOR figure is unaffected
}

// Whole-message comparison, doubles within a few ulps.
::testing::AssertionResult SummaryIs(const fta::v1::PhaseSummary& actual, const std::string& expected_text) {
  fta::v1::PhaseSummary expected;
  if (!google::protobuf::TextFormat::ParseFromString(expected_text, &expected)) {
    return ::testing::AssertionFailure() << "bad text proto: " << expected_text;
  }
  if (google::protobuf::util::MessageDifferencer::ApproximatelyEquals(actual, expected)) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "got " << actual.ShortDebugString() << ", expected "
                                       << expected.ShortDebugString();
}

TEST(Summarize, UsesPopulationStandardDeviation) {
  std::vector<fta::v1::PhaseAggregate> iterations;
  const double values[] = {2, 4, 4, 4, 5, 5, 7, 9};
  for (int k = 0; k < 8; ++k) iterations.push_back(Iteration(values[k], k + 1));
  // The sample stddev would be 2.138...; bytes are the last iteration's.
  EXPECT_TRUE(SummaryIs(Summarize(iterations),
                        "iterations: 8 max_mib: 9 min_mib: 2 mean_mib: 5 stddev_mib: 2 mean_seconds: 4.5 "
                        "bytes_per_iteration: 75497472"));
}

TEST(Summarize, SingleIterationHasZeroStddev) {
  EXPECT_TRUE(SummaryIs(Summarize({Iteration(1234.5, 2.0)}),
                        "iterations: 1 max_mib: 1234.5 min_mib: 1234.5 mean_mib: 1234.5 stddev_mib: 0 "
                        "mean_seconds: 2 bytes_per_iteration: 2588934144"));
}

TEST(Summarize, EmptyListGivesZeroIterations) { EXPECT_TRUE(SummaryIs(Summarize({}), "")); }

TEST(Summarize, WorksOnAggregatesFromAggregatePhase) {
  absl::StatusOr<fta::v1::PhaseAggregate> a = AggregatePhase(ThreeRanks());
  absl::StatusOr<fta::v1::PhaseAggregate> b =
      AggregatePhase({Rank(0, 0, 0, 1000, 1000, 2000, 300 * kMiB, 300)});  // 150 MiB/s
  ASSERT_TRUE(a.ok() && b.ok());
  // 300 MiB each; means of 93.75 and 150 MiB/s, of 3.2 and 2.0 s.
  EXPECT_TRUE(SummaryIs(Summarize({*a, *b}),
                        "iterations: 2 max_mib: 150 min_mib: 93.75 mean_mib: 121.875 stddev_mib: 28.125 "
                        "mean_seconds: 2.6 bytes_per_iteration: 314572800"));
}

}  // namespace
}  // namespace fta::ior
