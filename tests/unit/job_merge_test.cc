// Merging one job per host into one IOR-way result across hosts.
#include "lib/jobs/job_merge.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace fta::hostd {
namespace {

using ::testing::HasSubstr;

constexpr int64_t kSecond = 1'000'000'000;
constexpr int64_t kGiB = int64_t{1} << 30;

// A completed job of `ranks` ranks on one FTA each, every rank writing
// `bytes` from open_start to close_end (ns), phase write, iteration 0.
fta::v1::Job HostJob(const std::string& id, int ranks, int64_t open_start, int64_t close_end, int64_t bytes) {
  fta::v1::Job job;
  job.set_id(id);
  job.set_state(fta::v1::JOB_STATE_COMPLETED);
  job.set_transfer_size_bytes(1 << 20);
  job.set_block_size_bytes(kGiB);
  job.set_owner("slurm:42");
  job.set_start_at_unix_ms(open_start / 1'000'000);
  job.set_created_unix_ms(1000);
  job.set_finished_unix_ms(2000);
  for (int r = 0; r < ranks; ++r) {
    fta::v1::JobAgent* agent = job.add_agents();
    agent->set_fta_id("fta-" + std::to_string(r + 1));
    agent->add_ranks(r);
    agent->set_state(fta::v1::JOB_AGENT_STATE_OK);
    fta::v1::RankPhaseResult* result = job.add_rank_results();
    result->set_fta_id(agent->fta_id());
    result->set_rank(r);
    result->set_phase(fta::v1::PHASE_WRITE);
    result->set_open_start_ns(open_start);
    result->set_open_end_ns(open_start);
    result->set_xfer_start_ns(open_start);
    result->set_xfer_end_ns(close_end);
    result->set_close_start_ns(close_end);
    result->set_close_end_ns(close_end);
    result->set_bytes(bytes);
    result->set_ops(bytes >> 20);
  }
  return job;
}

TEST(MergeHostJobsTest, BytesOverEarliestOpenToLatestCloseAcrossHosts) {
  // Host a: 2 ranks, 10 s .. 12 s; host b: 1 rank, 10.25 s .. 13 s. 3 GiB
  // over 10 s .. 13 s = 1024 MiB/s; host b started 0.25 s after host a.
  absl::StatusOr<fta::v1::MergedJob> merged =
      MergeHostJobs({{"a", HostJob("job-1", 2, 10 * kSecond, 12 * kSecond, kGiB)},
                     {"b", HostJob("job-7", 1, 10 * kSecond + kSecond / 4, 13 * kSecond, kGiB)}});
  ASSERT_TRUE(merged.ok()) << merged.status();
  const fta::v1::Job& job = merged->job();
  EXPECT_EQ(job.engine(), fta::v1::ENGINE_MERGED);
  EXPECT_EQ(job.state(), fta::v1::JOB_STATE_COMPLETED);
  EXPECT_EQ(job.owner(), "slurm:42");
  EXPECT_EQ(job.source(), "a:job-1 b:job-7");
  ASSERT_EQ(job.aggregates_size(), 1);
  EXPECT_EQ(job.aggregates(0).bytes(), 3 * kGiB);
  EXPECT_EQ(job.aggregates(0).ranks(), 3);
  EXPECT_DOUBLE_EQ(job.aggregates(0).total_seconds(), 3.0);
  EXPECT_DOUBLE_EQ(job.aggregates(0).bandwidth_mib(), 1024.0);
  EXPECT_DOUBLE_EQ(job.aggregates(0).start_skew_seconds(), 0.25);
  ASSERT_EQ(job.summaries_size(), 1);
  EXPECT_DOUBLE_EQ(job.summaries(0).max_mib(), 1024.0);
  // Ranks renumbered host after host, FTAs prefixed with their host.
  ASSERT_EQ(job.agents_size(), 3);
  EXPECT_EQ(job.agents(2).fta_id(), "b/fta-1");
  EXPECT_EQ(job.agents(2).ranks(0), 2);
  ASSERT_EQ(job.rank_results_size(), 3);
  EXPECT_EQ(job.rank_results(2).rank(), 2);
  EXPECT_EQ(job.rank_results(2).fta_id(), "b/fta-1");
  // Per host: its own figures (a: 2 GiB in 2 s, b: 1 GiB in 2.75 s).
  ASSERT_EQ(merged->hosts_size(), 2);
  EXPECT_EQ(merged->hosts(0).host(), "a");
  EXPECT_EQ(merged->hosts(0).job_id(), "job-1");
  EXPECT_DOUBLE_EQ(merged->hosts(0).aggregate().bandwidth_mib(), 1024.0);
  EXPECT_DOUBLE_EQ(merged->hosts(1).aggregate().total_seconds(), 2.75);
  ASSERT_EQ(merged->skews_size(), 1);
  EXPECT_DOUBLE_EQ(merged->skews(0).seconds(), 0.25);
  EXPECT_DOUBLE_EQ(merged->max_skew_seconds(), 0.25);
}

TEST(MergeHostJobsTest, OwnerAndStartAtKeptOnlyWhenCommon) {
  fta::v1::Job other = HostJob("job-2", 1, 10 * kSecond, 11 * kSecond, kGiB);
  other.set_owner("slurm:43");
  absl::StatusOr<fta::v1::MergedJob> merged =
      MergeHostJobs({{"a", HostJob("job-1", 1, 10 * kSecond, 11 * kSecond, kGiB)}, {"b", other}});
  ASSERT_TRUE(merged.ok()) << merged.status();
  EXPECT_EQ(merged->job().owner(), "");
  EXPECT_EQ(merged->job().start_at_unix_ms(), 10'000);
}

TEST(MergeHostJobsTest, RefusesPartsThatDoNotFitNamingThem) {
  fta::v1::Job good = HostJob("job-1", 1, 10 * kSecond, 11 * kSecond, kGiB);
  EXPECT_THAT(MergeHostJobs({}).status().message(), HasSubstr("parts: give at least one"));

  fta::v1::Job failed = good;
  failed.set_state(fta::v1::JOB_STATE_FAILED);
  absl::Status status = MergeHostJobs({{"a", good}, {"b", failed}}).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("parts[1]: job job-1 on b is JOB_STATE_FAILED"));

  fta::v1::Job bare = good;
  bare.clear_rank_results();
  EXPECT_THAT(MergeHostJobs({{"a", bare}}).status().message(), HasSubstr("has no rank results"));

  fta::v1::Job bigger = good;
  bigger.set_block_size_bytes(2 * kGiB);
  EXPECT_THAT(MergeHostJobs({{"a", good}, {"b", bigger}}).status().message(), HasSubstr("parts[1]: job job-1 on b has -t"));

  fta::v1::Job read = good;
  read.mutable_rank_results(0)->set_phase(fta::v1::PHASE_READ);
  EXPECT_THAT(MergeHostJobs({{"a", good}, {"b", read}}).status().message(),
              HasSubstr("measured other iterations or phases"));

  EXPECT_THAT(MergeHostJobs({{"a", good}, {"a", good}}).status().message(), HasSubstr("parts[1].host: a is given twice"));
  EXPECT_THAT(MergeHostJobs({{"a b", good}}).status().message(), HasSubstr("parts[0].host"));
  EXPECT_THAT(MergeHostJobs({{"", good}}).status().message(), HasSubstr("parts[0].host: 1 to 64"));
}

TEST(MergeHostJobsTest, RemovePhaseResultsAreNotMeasured) {
  fta::v1::Job job = HostJob("job-1", 1, 10 * kSecond, 11 * kSecond, kGiB);
  fta::v1::RankPhaseResult remove = job.rank_results(0);
  remove.set_phase(fta::v1::PHASE_REMOVE);
  *job.add_rank_results() = remove;
  absl::StatusOr<fta::v1::MergedJob> merged = MergeHostJobs({{"a", job}});
  ASSERT_TRUE(merged.ok()) << merged.status();
  EXPECT_EQ(merged->job().aggregates_size(), 1);
  EXPECT_EQ(merged->job().rank_results_size(), 1);
}

}  // namespace
}  // namespace fta::hostd
