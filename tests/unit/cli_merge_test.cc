// ftactl's pieces for many hosts: --start-at parsing, job JSON read back
// (what `results merge FILE` does with `ior run -o json` output), and the
// merge's table.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "lib/cli/args.h"
#include "lib/cli/json.h"
#include "lib/cli/merge_format.h"
#include "lib/jobs/job_merge.h"
#include "tests/unit/fakes/text_matchers.h"

namespace fta::cli {
namespace {

using ::testing::HasSubstr;
using fta::testing::HasSubstrs;

TEST(ParseStartAtTest, Rfc3339AndUnixSecondsToMilliseconds) {
  EXPECT_EQ(*ParseStartAt("2026-12-02T04:10:00Z"), 1796184600000);
  EXPECT_EQ(*ParseStartAt("2026-12-02T05:10:00.250+01:00"), 1796184600250);
  EXPECT_EQ(*ParseStartAt("1796184600"), 1796184600000);
  EXPECT_EQ(*ParseStartAt("1796184600.5"), 1796184600500);
}

TEST(ParseStartAtTest, GarbageIsAUsageErrorNamingTheFlag) {
  for (const char* bad : {"", "soon", "2026-12-02 04:10", "-5", "0", "1e20", "2026-13-02T04:10:00Z"}) {
    absl::StatusOr<int64_t> parsed = ParseStartAt(bad);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(parsed.status().message(), HasSubstr("--start-at: ")) << bad;
  }
}

TEST(ParseTargetsTest, OwnerStandsAlone) {
  EXPECT_EQ(*ParseTargets("owner:slurm:12"), std::vector<std::string>{"owner:slurm:12"});
  EXPECT_FALSE(ParseTargets("owner:slurm:12,fta-1").ok());
}

v1::Job SampleJob() {
  v1::Job job;
  job.set_id("job-3");
  job.set_state(v1::JOB_STATE_COMPLETED);
  job.set_engine(v1::ENGINE_BUILTIN);
  job.set_owner("slurm:9");
  job.set_transfer_size_bytes(1 << 20);
  job.set_block_size_bytes(1 << 24);
  job.set_start_at_unix_ms(1796184600000);
  v1::JobAgent* agent = job.add_agents();
  agent->set_fta_id("fta-1");
  agent->add_ranks(0);
  agent->set_state(v1::JOB_AGENT_STATE_OK);
  v1::RankPhaseResult* r = job.add_rank_results();
  r->set_fta_id("fta-1");
  r->set_phase(v1::PHASE_READ);
  r->set_open_start_ns(1796184600000000000);
  r->set_close_end_ns(1796184601000000000);
  r->set_bytes(1 << 24);
  return job;
}

TEST(FromJsonTest, ReadsBackWhatToJsonPrinted) {
  v1::Job job = SampleJob();
  absl::StatusOr<std::string> text = ToJson(job);
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_THAT(*text, HasSubstr("\"state\": \"completed\""));
  v1::Job back;
  ASSERT_TRUE(FromJson(*text, "fta1.json", &back).ok());
  EXPECT_EQ(back.SerializeAsString(), job.SerializeAsString());
}

TEST(FromJsonTest, NotAJobIsInvalidArgumentNamingTheFile) {
  v1::Job job;
  absl::Status status = FromJson("[1, 2]", "fta1.json", &job);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("fta1.json: not a JSON object"));
  status = FromJson(R"({"state": "sleepy"})", "fta2.json", &job);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("fta2.json: not a fta.v1.Job"));
}

TEST(RenderMergedJobTest, JobThenHostsThenSkew) {
  v1::Job late = SampleJob();
  late.set_id("job-8");
  late.mutable_rank_results(0)->set_open_start_ns(1796184600000000000 + 40'000'000);
  absl::StatusOr<v1::MergedJob> merged = hostd::MergeHostJobs({{"fta1", SampleJob()}, {"fta2", late}});
  ASSERT_TRUE(merged.ok()) << merged.status();
  std::string text = RenderMergedJob(*merged, FormatOptions());
  EXPECT_THAT(text, HasSubstrs({"merged", "Merged from", "fta1:job-3 fta2:job-8", "\nHOSTS\n", "fta2  job-8",
                                "0.040", "CROSS-HOST START SKEW"}));
}

}  // namespace
}  // namespace fta::cli
