// ftactl's sweep arguments, tables and CSV export.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "lib/cli/args.h"
#include "lib/cli/sweep_args.h"
#include "lib/cli/sweep_format.h"
#include "lib/report/summary.h"

namespace fta::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(ParseCountListTest, RangesListsAndMixes) {
  EXPECT_THAT(*ParseCountList("--vms", "1..4"), ElementsAre(1, 2, 3, 4));
  EXPECT_THAT(*ParseCountList("--vms", "1,2,4,8"), ElementsAre(1, 2, 4, 8));
  EXPECT_THAT(*ParseCountList("--vms", "8,1..3,2"), ElementsAre(1, 2, 3, 8));
  EXPECT_THAT(*ParseCountList("--vms", "5"), ElementsAre(5));
}

TEST(ParseCountListTest, RefusesNonsenseNamingTheFlag) {
  for (const char* bad : {"", "0", "-1", "1..", "..3", "3..1", "1,,2", "a", "1..x", "2000"}) {
    absl::StatusOr<std::vector<int32_t>> parsed = ParseCountList("--vms", bad);
    EXPECT_FALSE(parsed.ok()) << bad;
    EXPECT_THAT(std::string(parsed.status().message()), HasSubstr("--vms")) << bad;
  }
}

TEST(ParseSizeListTest, CommaSeparated) {
  EXPECT_THAT(*ParseSizeList("-t", "10k,100k,1m"), ElementsAre("10k", "100k", "1m"));
  EXPECT_FALSE(ParseSizeList("-t", "10k,,1m").ok());
  EXPECT_FALSE(ParseSizeList("-t", "").ok());
}

v1::Sweep SmallSweep(const std::string& id, double scale) {
  v1::Sweep sweep;
  sweep.set_id(id);
  sweep.set_state(v1::SWEEP_STATE_COMPLETED);
  sweep.mutable_spec()->add_fta_counts(1);
  sweep.mutable_spec()->add_fta_counts(2);
  sweep.mutable_spec()->add_transfer_sizes("64k");
  sweep.mutable_spec()->set_block_size("8m");
  sweep.mutable_spec()->set_native(true);
  int step = 0;
  auto add = [&](v1::SweepTarget target, int n, double write) {
    v1::SweepRun* run = sweep.add_runs();
    run->set_step(step);
    run->set_transfer_size_bytes(65536);
    run->set_block_size_bytes(8 << 20);
    run->set_target(target);
    run->set_fta_count(n);
    run->set_ranks(n);
    run->set_job_id("job-" + std::to_string(step + 1));
    run->set_state(v1::SWEEP_RUN_STATE_COMPLETED);
    run->set_write_mib(write);
    run->set_read_mib(write * 2);
    run->mutable_snapshot()->set_cpu_model("Some CPU, 2 cores");
    for (v1::Phase phase : {v1::PHASE_WRITE, v1::PHASE_READ}) {
      v1::SweepPoint* point = sweep.add_points();
      point->set_step(step);
      point->set_transfer_size_bytes(65536);
      point->set_fta_count(n);
      point->set_target(target);
      point->set_phase(phase);
      point->set_bandwidth_mib(phase == v1::PHASE_WRITE ? write : write * 2);
      point->set_job_id(run->job_id());
    }
    ++step;
  };
  add(v1::SWEEP_TARGET_NATIVE_SINGLE, 1, 100 * scale);
  add(v1::SWEEP_TARGET_FTAS, 1, 100 * scale);
  add(v1::SWEEP_TARGET_FTAS, 2, 200 * scale);
  add(v1::SWEEP_TARGET_NATIVE_MATCHED, 2, 150 * scale);
  sweep.set_steps_total(step);
  sweep.set_steps_done(step);
  *sweep.mutable_summary() = report::SummarizeSweep(sweep);
  return sweep;
}

TEST(SweepToCsvTest, OneRowPerPointWithHeaderAndQuoting) {
  std::string csv = SweepToCsv(SmallSweep("sweep-1", 1));
  std::vector<std::string> lines = absl::StrSplit(csv, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 9u);  // header + 4 runs x 2 phases
  EXPECT_EQ(lines[0].rfind("sweep_id,step,transfer_size,transfer_size_bytes,", 0), 0u) << lines[0];
  EXPECT_THAT(lines[1], HasSubstr("sweep-1,0,64k,65536,8388608,native-1,1,1,0,write,100.000"));
  EXPECT_THAT(lines[1], HasSubstr("\"Some CPU, 2 cores\""));
  EXPECT_THAT(lines[7], HasSubstr(",native-N,2,2,0,write,150.000"));
}

TEST(SweepToCsvTest, LinkUtilisationIsTheLastColumnAndEmptyWhenNotMetered) {
  v1::Sweep sweep = SmallSweep("sweep-1", 1);
  sweep.mutable_points(0)->set_link_utilisation_pct(37.54);
  sweep.mutable_points(1)->set_link_utilisation_pct(-1);
  std::vector<std::string> lines = absl::StrSplit(SweepToCsv(sweep), '\n', absl::SkipEmpty());
  EXPECT_TRUE(absl::EndsWith(lines[0], ",config_hash,pf,link_utilisation_pct")) << lines[0];
  EXPECT_TRUE(absl::EndsWith(lines[1], ",37.5")) << lines[1];
  EXPECT_TRUE(absl::EndsWith(lines[2], ",")) << lines[2];
}

TEST(RenderSweepDetailTest, SummaryWithPercentOfNativeAndRuns) {
  std::string text = RenderSweepDetail(SmallSweep("sweep-1", 1), FormatOptions{absl::UTCTimeZone()});
  EXPECT_THAT(text, HasSubstr("SUMMARY -t 64k -b 8m"));
  EXPECT_THAT(text, HasSubstr("200%"));   // N=2 write vs native 1 rank
  EXPECT_THAT(text, HasSubstr("133%"));   // N=2 write vs native 2 ranks
  EXPECT_THAT(text, HasSubstr("best: write N=2"));
  EXPECT_THAT(text, HasSubstr("RUNS"));
  EXPECT_THAT(text, HasSubstr("job-4"));
}

TEST(RenderSweepComparisonTest, PercentChangePerPoint) {
  std::string text = RenderSweepComparison(SmallSweep("sweep-1", 1), SmallSweep("sweep-2", 1.5));
  EXPECT_THAT(text, HasSubstr("A = sweep-1"));
  EXPECT_THAT(text, HasSubstr("+50.0%"));
  EXPECT_THAT(text, HasSubstr("native"));
}

TEST(ExitCodeForSweepTest, OnlyCompletedIsSuccess) {
  v1::Sweep sweep;
  sweep.set_state(v1::SWEEP_STATE_COMPLETED);
  EXPECT_EQ(ExitCodeForSweep(sweep), kExitOk);
  sweep.set_state(v1::SWEEP_STATE_INTERRUPTED);
  EXPECT_EQ(ExitCodeForSweep(sweep), kExitJobFailed);
}

}  // namespace
}  // namespace fta::cli
