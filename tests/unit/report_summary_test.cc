// The summary of a sweep: averages over repetitions, % of native, the
// saturation point and the best N, and the comparison of two sweeps.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "lib/report/compare.h"
#include "lib/report/summary.h"

namespace fta::report {
namespace {

using fta::v1::SweepRun;

SweepRun MakeRun(int64_t t, fta::v1::SweepTarget target, int n, double write, double read, int repetition = 0,
             fta::v1::SweepRunState state = fta::v1::SWEEP_RUN_STATE_COMPLETED) {
  SweepRun run;
  run.set_transfer_size_bytes(t);
  run.set_block_size_bytes(t * 100);
  run.set_target(target);
  run.set_fta_count(n);
  run.set_write_mib(write);
  run.set_read_mib(read);
  run.set_repetition(repetition);
  run.set_state(state);
  return run;
}

TEST(SaturationPointTest, FirstCountAfterWhichOneMoreFtaAddsLessThanFivePercent) {
  // +100%, +50%, +10%, +4%: the step from 4 to 5 adds less than 5%.
  EXPECT_EQ(SaturationPoint({{1, 100}, {2, 200}, {3, 300}, {4, 330}, {5, 343}}), 4);
}

TEST(SaturationPointTest, NotReachedWhenEveryStepGains) {
  EXPECT_EQ(SaturationPoint({{1, 100}, {2, 200}, {3, 300}}), 0);
}

TEST(SaturationPointTest, ALossCountsAsSaturated) {
  EXPECT_EQ(SaturationPoint({{1, 100}, {2, 180}, {3, 170}}), 2);
}

TEST(SaturationPointTest, GainIsPerAddedFtaWhenCountsSkip) {
  // 4 -> 8 adds 16% in total, 4% per FTA: saturated at 4.
  EXPECT_EQ(SaturationPoint({{1, 100}, {2, 190}, {4, 360}, {8, 417.6}}), 4);
  // 2 -> 4 adds 40%, 20% per FTA: not saturated there.
  EXPECT_EQ(SaturationPoint({{2, 100}, {4, 140}}), 0);
}

TEST(SaturationPointTest, FewerThanTwoPointsHaveNone) {
  EXPECT_EQ(SaturationPoint({}), 0);
  EXPECT_EQ(SaturationPoint({{3, 100}}), 0);
}

TEST(BestCountTest, HighestBandwidthSmallerCountOnTie) {
  EXPECT_EQ(BestCount({{1, 100}, {2, 300}, {3, 250}}), 2);
  EXPECT_EQ(BestCount({{1, 300}, {2, 300}}), 1);
  EXPECT_EQ(BestCount({}), 0);
}

TEST(PercentOfTest, ZeroWithoutBaseline) {
  EXPECT_DOUBLE_EQ(PercentOf(450, 100), 450);
  EXPECT_DOUBLE_EQ(PercentOf(450, 0), 0);
}

TEST(SummarizeSweepTest, AveragesRepetitionsAndRelatesToNative) {
  fta::v1::Sweep sweep;
  const int64_t t = 65536;
  *sweep.add_runs() = MakeRun(t, fta::v1::SWEEP_TARGET_NATIVE_SINGLE, 1, 100, 200);
  *sweep.add_runs() = MakeRun(t, fta::v1::SWEEP_TARGET_FTAS, 1, 90, 190);
  *sweep.add_runs() = MakeRun(t, fta::v1::SWEEP_TARGET_FTAS, 2, 200, 300);
  *sweep.add_runs() = MakeRun(t, fta::v1::SWEEP_TARGET_NATIVE_MATCHED, 2, 150, 250);
  *sweep.add_runs() = MakeRun(t, fta::v1::SWEEP_TARGET_FTAS, 2, 220, 320, 1);  // repetition 2
  *sweep.add_runs() = MakeRun(t, fta::v1::SWEEP_TARGET_FTAS, 3, 999, 999, 0, fta::v1::SWEEP_RUN_STATE_FAILED);  // ignored

  fta::v1::SweepSummary summary = SummarizeSweep(sweep);
  ASSERT_EQ(summary.transfers_size(), 1);
  const auto& transfer = summary.transfers(0);
  EXPECT_EQ(transfer.transfer_size_bytes(), t);
  EXPECT_EQ(transfer.block_size_bytes(), t * 100);
  EXPECT_DOUBLE_EQ(transfer.native_write_mib(), 100);
  EXPECT_DOUBLE_EQ(transfer.native_read_mib(), 200);
  ASSERT_EQ(transfer.rows_size(), 2);
  const auto& one = transfer.rows(0);
  EXPECT_EQ(one.fta_count(), 1);
  EXPECT_DOUBLE_EQ(one.write_pct_native(), 90);
  // N = 1 "native with N ranks" is the 1-rank baseline.
  EXPECT_DOUBLE_EQ(one.native_matched_write_mib(), 100);
  const auto& two = transfer.rows(1);
  EXPECT_EQ(two.fta_count(), 2);
  EXPECT_DOUBLE_EQ(two.write_mib(), 210);
  EXPECT_DOUBLE_EQ(two.read_mib(), 310);
  EXPECT_DOUBLE_EQ(two.write_pct_native(), 210);
  EXPECT_DOUBLE_EQ(two.read_pct_native(), 155);
  EXPECT_DOUBLE_EQ(two.native_matched_write_mib(), 150);
  EXPECT_DOUBLE_EQ(two.write_pct_matched(), 140);
  EXPECT_EQ(transfer.best_write_n(), 2);
  EXPECT_EQ(transfer.best_read_n(), 2);
  EXPECT_EQ(transfer.write_saturation_n(), 0);
}

TEST(SummarizeSweepTest, TransferSizesKeepPlanOrder) {
  fta::v1::Sweep sweep;
  *sweep.add_runs() = MakeRun(1048576, fta::v1::SWEEP_TARGET_FTAS, 1, 10, 10);
  *sweep.add_runs() = MakeRun(65536, fta::v1::SWEEP_TARGET_FTAS, 1, 10, 10);
  fta::v1::SweepSummary summary = SummarizeSweep(sweep);
  ASSERT_EQ(summary.transfers_size(), 2);
  EXPECT_EQ(summary.transfers(0).transfer_size_bytes(), 1048576);
  EXPECT_EQ(summary.transfers(1).transfer_size_bytes(), 65536);
  EXPECT_DOUBLE_EQ(summary.transfers(0).native_write_mib(), 0);
  EXPECT_DOUBLE_EQ(summary.transfers(0).rows(0).write_pct_native(), 0);
}

TEST(CompareSummariesTest, ChangePerPointAndRowsOnlyInOneSweep) {
  fta::v1::Sweep a, b;
  *a.add_runs() = MakeRun(65536, fta::v1::SWEEP_TARGET_NATIVE_SINGLE, 1, 100, 100);
  *a.add_runs() = MakeRun(65536, fta::v1::SWEEP_TARGET_FTAS, 1, 100, 200);
  *b.add_runs() = MakeRun(65536, fta::v1::SWEEP_TARGET_FTAS, 1, 150, 100);
  *b.add_runs() = MakeRun(65536, fta::v1::SWEEP_TARGET_FTAS, 2, 300, 300);
  std::vector<ComparisonRow> rows = CompareSummaries(SummarizeSweep(a), SummarizeSweep(b));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].fta_count, 0);  // native baseline, only in A
  EXPECT_TRUE(rows[0].in_a);
  EXPECT_FALSE(rows[0].in_b);
  EXPECT_EQ(rows[1].fta_count, 1);
  EXPECT_DOUBLE_EQ(rows[1].write_change_pct, 50);
  EXPECT_DOUBLE_EQ(rows[1].read_change_pct, -50);
  EXPECT_EQ(rows[2].fta_count, 2);
  EXPECT_FALSE(rows[2].in_a);
  EXPECT_DOUBLE_EQ(rows[2].write_change_pct, 0);
}

}  // namespace
}  // namespace fta::report
