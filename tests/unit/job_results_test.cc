// A job's results from its agents' rank reports: the IOR aggregate of a
// phase and the summaries over iterations.
#include "lib/jobs/job_results.h"

#include <cmath>

#include <gtest/gtest.h>

namespace fta::hostd {
namespace {

constexpr int64_t kSecond = 1'000'000'000;

fta::v1::RankPhaseResult Rank(int rank, int64_t open_start, int64_t close_end, int64_t bytes,
                              int64_t stonewall_ops = 0) {
  fta::v1::RankPhaseResult r;
  r.set_rank(rank);
  r.set_phase(fta::v1::PHASE_WRITE);
  r.set_open_start_ns(open_start);
  r.set_open_end_ns(open_start);
  r.set_xfer_start_ns(open_start);
  r.set_xfer_end_ns(close_end);
  r.set_close_start_ns(close_end);
  r.set_close_end_ns(close_end);
  r.set_bytes(bytes);
  r.set_ops(bytes >> 20);
  r.set_stonewall_ops(stonewall_ops);
  return r;
}

TEST(AggregatePhaseResultsTest, BytesOverEarliestOpenToLatestCloseWithSkewAndStonewall) {
  // Two ranks, 1 GiB each: rank 1 opens 0.5 s late and finishes at 2 s.
  absl::StatusOr<fta::v1::PhaseAggregate> aggregate = AggregatePhaseResults(
      3, fta::v1::PHASE_WRITE,
      {Rank(0, 10 * kSecond, 11 * kSecond, int64_t{1} << 30, 900),
       Rank(1, 10 * kSecond + kSecond / 2, 12 * kSecond, int64_t{1} << 30, 700)});
  ASSERT_TRUE(aggregate.ok()) << aggregate.status();
  EXPECT_EQ(aggregate->iteration(), 3);
  EXPECT_EQ(aggregate->phase(), fta::v1::PHASE_WRITE);
  EXPECT_EQ(aggregate->bytes(), int64_t{2} << 30);
  EXPECT_DOUBLE_EQ(aggregate->total_seconds(), 2.0);
  EXPECT_DOUBLE_EQ(aggregate->bandwidth_mib(), 1024.0);
  EXPECT_DOUBLE_EQ(aggregate->start_skew_seconds(), 0.5);
  EXPECT_EQ(aggregate->ranks(), 2);
  EXPECT_DOUBLE_EQ(aggregate->all_active_seconds(), 0.5);  // 10.5 .. 11 s
  EXPECT_EQ(aggregate->stonewall_min_ops(), 700);
  EXPECT_EQ(aggregate->stonewall_max_ops(), 900);
  EXPECT_EQ(aggregate->links_size(), 0);
}

TEST(AggregatePhaseResultsTest, NoRanksIsAnError) {
  EXPECT_FALSE(AggregatePhaseResults(0, fta::v1::PHASE_READ, {}).ok());
}

TEST(SummarizeIterationsTest, PopulationStatisticsPerPhaseWriteFirst) {
  fta::v1::Job job;
  for (double mib : {100.0, 300.0}) {
    fta::v1::PhaseAggregate* read = job.add_aggregates();
    read->set_phase(fta::v1::PHASE_READ);
    read->set_bandwidth_mib(mib);
    read->set_total_seconds(2);
    read->set_bytes(int64_t{1} << 30);
  }
  fta::v1::PhaseAggregate* write = job.add_aggregates();
  write->set_phase(fta::v1::PHASE_WRITE);
  write->set_bandwidth_mib(50);
  write->set_total_seconds(4);
  write->set_bytes(int64_t{1} << 28);
  std::vector<fta::v1::PhaseSummary> summaries = SummarizeIterations(job);
  ASSERT_EQ(summaries.size(), 2u);
  EXPECT_EQ(summaries[0].phase(), fta::v1::PHASE_WRITE);
  EXPECT_EQ(summaries[0].iterations(), 1);
  EXPECT_EQ(summaries[1].phase(), fta::v1::PHASE_READ);
  EXPECT_DOUBLE_EQ(summaries[1].max_mib(), 300);
  EXPECT_DOUBLE_EQ(summaries[1].min_mib(), 100);
  EXPECT_DOUBLE_EQ(summaries[1].mean_mib(), 200);
  EXPECT_DOUBLE_EQ(summaries[1].stddev_mib(), 100);  // population, as IOR
  EXPECT_EQ(summaries[1].bytes_per_iteration(), int64_t{1} << 30);
  EXPECT_EQ(summaries[1].iterations(), 2);
  EXPECT_TRUE(SummarizeIterations(fta::v1::Job()).empty());
}

}  // namespace
}  // namespace fta::hostd
