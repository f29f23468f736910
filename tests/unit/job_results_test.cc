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

fta::v1::PhaseAggregate ReadOf(int64_t bytes) {
  fta::v1::PhaseAggregate a;
  a.set_phase(fta::v1::PHASE_READ);
  a.set_bytes(bytes);
  return a;
}

TEST(CacheNoteTest, ReadBackOfOwnFileSmallerThanMemoryIsFlagged) {
  ior::IorParams params;
  const int64_t gib = int64_t{1} << 30;
  EXPECT_EQ(CacheNote(ReadOf(2 * gib), params, 2, 20 * gib),
            "likely cache-served: each rank read back the file it wrote (no -C shift), without O_DIRECT, 2g < 20g "
            "memory available; use --odirect, -C or files larger than memory");
}

TEST(CacheNoteTest, NotFlaggedWhenStorageHadToServeOrUnknown) {
  const int64_t gib = int64_t{1} << 30;
  ior::IorParams params;
  EXPECT_EQ(CacheNote(ReadOf(20 * gib), params, 2, 20 * gib), "");  // as large as memory
  EXPECT_EQ(CacheNote(ReadOf(gib), params, 2, -1), "");             // memory unknown
  fta::v1::PhaseAggregate write = ReadOf(gib);
  write.set_phase(fta::v1::PHASE_WRITE);
  EXPECT_EQ(CacheNote(write, params, 2, 20 * gib), "");
  ior::IorParams direct;
  direct.odirect = true;
  EXPECT_EQ(CacheNote(ReadOf(gib), direct, 2, 20 * gib), "");
  ior::IorParams shifted;  // -C -Q 1 with 1 rank per node: rank r reads r+1's file
  shifted.reorder_tasks = true;
  shifted.task_offset = 1;
  shifted.tasks_per_node = 1;
  EXPECT_EQ(CacheNote(ReadOf(gib), shifted, 2, 20 * gib), "");
  // -C on one node (every rank on it) shifts by a whole turn: still its own file.
  shifted.tasks_per_node = 2;
  EXPECT_NE(CacheNote(ReadOf(gib), shifted, 2, 20 * gib), "");
}

TEST(CacheNoteTest, SweepRunNoteNamesACachedRead) {
  fta::v1::Job job;
  *job.add_aggregates() = ReadOf(1);
  EXPECT_EQ(CachedReadNote(job), "");
  job.mutable_aggregates(0)->set_cache_note("likely cache-served: ...");
  EXPECT_EQ(CachedReadNote(job),
            "read likely cache-served (no -C shift, no O_DIRECT, files smaller than available memory)");
}

}  // namespace
}  // namespace fta::hostd
