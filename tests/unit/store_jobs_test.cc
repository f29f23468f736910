// Job records on real SQLite: the full job with results, aggregates and
// links survives a restart, listing, failing unfinished jobs, all-or-nothing writes.
#include "tests/unit/store_fixture.h"

#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace fta::store {
namespace {

TEST_F(StoreTest, FullJobSurvivesReopen) {
  Job expected = MakeJob("job-1", fta::v1::JOB_STATE_COMPLETED, 5000);
  expected.set_finished_unix_ms(9000);
  // Stored out of order on purpose: GetJob orders by iteration, then phase
  // in run order (write before read), then rank.
  std::vector<PhaseAggregate> aggregates = {
      MakeAggregate(1, fta::v1::PHASE_READ), MakeAggregate(0, fta::v1::PHASE_READ),
      MakeAggregate(1, fta::v1::PHASE_WRITE), MakeAggregate(0, fta::v1::PHASE_WRITE)};
  aggregates[0].set_bandwidth_mib(NAN);  // a zero-length phase
  // Two metered ports on iteration 0's write; on iteration 1's write, a port
  // whose counters could not be read.
  for (const char* port : {"mlx5_1/1", "mlx5_0/1"}) {
    fta::v1::LinkUsage* link = aggregates[3].add_links();
    link->set_pf(std::string(port) == "mlx5_0/1" ? "0000:03:00.0" : "0000:81:00.0");
    link->set_ib_port(port);
    link->set_rate_gbps(100);
    link->set_xmit_bytes(int64_t{3} << 30);
    link->set_rcv_bytes(4096);
    link->set_seconds(1.5);
    link->set_utilisation_pct(17.2);
    link->set_agent_bytes(int64_t{2} << 30);
    link->set_ftas(2);
    link->set_check("ok");
  }
  // Stored sorted by port: the expectation below is GetJob's order.
  std::swap(*aggregates[3].mutable_links(0), *aggregates[3].mutable_links(1));
  fta::v1::LinkUsage* broken = aggregates[2].add_links();
  broken->set_pf("0000:03:00.0");
  broken->set_ib_port("mlx5_0/1");
  broken->set_error("class/infiniband/mlx5_0/ports/1/counters/port_xmit_data: No such file");
  std::vector<RankPhaseResult> results;
  for (int iteration : {1, 0}) {
    for (fta::v1::Phase phase : {fta::v1::PHASE_READ, fta::v1::PHASE_WRITE}) {
      for (int rank : {3, 1, 2, 0}) results.push_back(MakeRankResult(iteration, phase, rank));
    }
  }
  PhaseSummary write_summary;
  write_summary.set_phase(fta::v1::PHASE_WRITE);
  write_summary.set_max_mib(1700);
  write_summary.set_min_mib(1600);
  write_summary.set_mean_mib(1650);
  write_summary.set_stddev_mib(50);
  write_summary.set_mean_seconds(3.0);
  write_summary.set_bytes_per_iteration(int64_t{4} << 30);
  write_summary.set_iterations(2);
  PhaseSummary read_summary = write_summary;
  read_summary.set_phase(fta::v1::PHASE_READ);
  read_summary.set_max_mib(2100);

  {
    std::unique_ptr<Store> store = OpenStore();
    ASSERT_TRUE(store->PutJob(expected).ok());
    for (const PhaseAggregate& a : aggregates) ASSERT_TRUE(store->AddAggregate("job-1", a).ok());
    ASSERT_TRUE(store->PutSummaries("job-1", {read_summary, write_summary}).ok());
    absl::Status added = store->AddRankResults("job-1", results);
    ASSERT_TRUE(added.ok()) << added;
    // A later PutJob (the state change at the end of a job) must not drop
    // the results stored meanwhile.
    ASSERT_TRUE(store->PutJob(expected).ok());
  }

  for (int iteration : {0, 1}) {
    for (fta::v1::Phase phase : {fta::v1::PHASE_WRITE, fta::v1::PHASE_READ}) {
      *expected.add_aggregates() = [&] {
        for (const PhaseAggregate& a : aggregates) {
          if (a.iteration() == iteration && a.phase() == phase) return a;
        }
        return PhaseAggregate();
      }();
      for (int rank : {0, 1, 2, 3}) {
        *expected.add_rank_results() = MakeRankResult(iteration, phase, rank);
      }
    }
  }
  *expected.add_summaries() = write_summary;
  *expected.add_summaries() = read_summary;

  std::unique_ptr<Store> store = OpenStore();
  absl::StatusOr<Job> got = store->GetJob("job-1");
  ASSERT_TRUE(got.ok()) << got.status();
  // NaN != NaN, so check it apart and compare the rest exactly.
  ASSERT_EQ(got->aggregates_size(), 4);
  EXPECT_TRUE(std::isnan(got->aggregates(3).bandwidth_mib()));
  got->mutable_aggregates(3)->set_bandwidth_mib(0);
  expected.mutable_aggregates(3)->set_bandwidth_mib(0);
  EXPECT_TRUE(Equal(*got, expected)) << "got:\n"
                                     << got->DebugString() << "\nwant:\n"
                                     << expected.DebugString();
}

TEST_F(StoreTest, JobSpecIsStoredAsJson) {
  std::unique_ptr<Store> store = OpenStore();
  ASSERT_TRUE(store->PutJob(MakeJob("job-1", fta::v1::JOB_STATE_RUNNING, 5000)).ok());
  const std::string spec = QueryDirectly(path_, "SELECT spec FROM jobs WHERE id = 'job-1'");
  EXPECT_TRUE(absl::StrContains(spec, "\"transfer_size\":\"1m\"")) << spec;
  EXPECT_EQ(
      QueryDirectly(path_, "SELECT ranks FROM job_agents WHERE job_id = 'job-1' AND position = 0"),
      "0,1");
}

TEST_F(StoreTest, PutJobReplacesTheAgents) {
  std::unique_ptr<Store> store = OpenStore();
  Job job = MakeJob("job-1", fta::v1::JOB_STATE_RUNNING, 5000);
  ASSERT_TRUE(store->PutJob(job).ok());
  job.mutable_agents()->RemoveLast();
  job.mutable_agents(0)->set_state(fta::v1::JOB_AGENT_STATE_CANCELLED);
  job.set_state(fta::v1::JOB_STATE_CANCELLED);
  ASSERT_TRUE(store->PutJob(job).ok());

  EXPECT_TRUE(ReadBackAs(store->GetJob("job-1"), job));
}

TEST_F(StoreTest, ListJobsIsNewestFirstWithoutRankResults) {
  std::unique_ptr<Store> store = OpenStore();
  ASSERT_TRUE(store->PutJob(MakeJob("job-1", fta::v1::JOB_STATE_COMPLETED, 1000)).ok());
  ASSERT_TRUE(store->PutJob(MakeJob("job-2", fta::v1::JOB_STATE_COMPLETED, 3000)).ok());
  ASSERT_TRUE(store->PutJob(MakeJob("job-3", fta::v1::JOB_STATE_RUNNING, 2000)).ok());
  ASSERT_TRUE(store->AddAggregate("job-2", MakeAggregate(0, fta::v1::PHASE_WRITE)).ok());
  ASSERT_TRUE(store->AddRankResults("job-2", {MakeRankResult(0, fta::v1::PHASE_WRITE, 0)}).ok());

  absl::StatusOr<Page<Job>> jobs = store->ListJobs(PageQuery{});
  ASSERT_TRUE(jobs.ok()) << jobs.status();
  ASSERT_EQ(jobs->items.size(), 3u);
  EXPECT_FALSE(jobs->more);
  EXPECT_EQ(jobs->items[0].id(), "job-2");
  EXPECT_EQ(jobs->items[1].id(), "job-3");
  EXPECT_EQ(jobs->items[2].id(), "job-1");
  EXPECT_EQ(jobs->items[0].aggregates_size(), 1);
  EXPECT_EQ(jobs->items[0].agents_size(), 2);
  EXPECT_EQ(jobs->items[0].rank_results_size(), 0);

  absl::StatusOr<Page<Job>> limited = store->ListJobs(PageQuery{2, ""});
  ASSERT_TRUE(limited.ok()) << limited.status();
  ASSERT_EQ(limited->items.size(), 2u);
  EXPECT_TRUE(limited->more);
  EXPECT_EQ(limited->items[1].id(), "job-3");
}

TEST_F(StoreTest, ReplacingAnAggregateReplacesItsLinks) {
  std::unique_ptr<Store> store = OpenStore();
  ASSERT_TRUE(store->PutJob(MakeJob("job-1", fta::v1::JOB_STATE_RUNNING, 1000)).ok());
  PhaseAggregate first = MakeAggregate(0, fta::v1::PHASE_WRITE);
  first.add_links()->set_ib_port("mlx5_0/1");
  first.add_links()->set_ib_port("mlx5_1/1");
  ASSERT_TRUE(store->AddAggregate("job-1", first).ok());
  PhaseAggregate again = MakeAggregate(0, fta::v1::PHASE_WRITE);
  again.add_links()->set_ib_port("mlx5_1/1");
  ASSERT_TRUE(store->AddAggregate("job-1", again).ok());
  absl::StatusOr<Job> got = store->GetJob("job-1");
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->aggregates_size(), 1);
  ASSERT_EQ(got->aggregates(0).links_size(), 1);
  EXPECT_EQ(got->aggregates(0).links(0).ib_port(), "mlx5_1/1");
}

TEST_F(StoreTest, FailUnfinishedJobsFailsOnlyPendingAndRunning) {
  {
    std::unique_ptr<Store> store = OpenStore();
    ASSERT_TRUE(store->PutJob(MakeJob("job-1", fta::v1::JOB_STATE_COMPLETED, 1000)).ok());
    ASSERT_TRUE(store->PutJob(MakeJob("job-2", fta::v1::JOB_STATE_RUNNING, 2000)).ok());
    ASSERT_TRUE(store->PutJob(MakeJob("job-3", fta::v1::JOB_STATE_PENDING, 3000)).ok());
    ASSERT_TRUE(store->PutJob(MakeJob("job-4", fta::v1::JOB_STATE_CANCELLED, 4000)).ok());
  }
  // As at daemon start: a new process opens the database.
  std::unique_ptr<Store> store = OpenStore();
  absl::StatusOr<std::vector<std::string>> failed = store->FailUnfinishedJobs("hostd restarted");
  ASSERT_TRUE(failed.ok()) << failed.status();
  EXPECT_EQ(*failed, (std::vector<std::string>{"job-2", "job-3"}));

  for (const std::string id : {"job-2", "job-3"}) {
    absl::StatusOr<Job> job = store->GetJob(id);
    ASSERT_TRUE(job.ok()) << job.status();
    EXPECT_EQ(job->state(), fta::v1::JOB_STATE_FAILED);
    EXPECT_EQ(job->error(), "hostd restarted");
    EXPECT_EQ(job->finished_unix_ms(), clock_.NowUnixMillis());
  }
  EXPECT_EQ(store->GetJob("job-1")->state(), fta::v1::JOB_STATE_COMPLETED);
  EXPECT_EQ(store->GetJob("job-4")->state(), fta::v1::JOB_STATE_CANCELLED);

  absl::StatusOr<std::vector<std::string>> again = store->FailUnfinishedJobs("hostd restarted");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->empty());
}

TEST_F(StoreTest, GetJobOnUnknownIdIsNotFoundNamingIt) {
  std::unique_ptr<Store> store = OpenStore();
  absl::StatusOr<Job> got = store->GetJob("job-7");
  EXPECT_EQ(got.status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(absl::StrContains(got.status().message(), "job job-7 not found"))
      << got.status().message();
}

TEST_F(StoreTest, ResultsForUnknownJobAreNotFound) {
  std::unique_ptr<Store> store = OpenStore();
  EXPECT_EQ(store->AddRankResults("job-9", {MakeRankResult(0, fta::v1::PHASE_WRITE, 0)}).code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(store->AddAggregate("job-9", MakeAggregate(0, fta::v1::PHASE_WRITE)).code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(store->PutSummaries("job-9", {PhaseSummary()}).code(), absl::StatusCode::kNotFound);
}

TEST_F(StoreTest, AddRankResultsWithDuplicateKeyStoresNothing) {
  std::unique_ptr<Store> store = OpenStore();
  ASSERT_TRUE(store->PutJob(MakeJob("job-1", fta::v1::JOB_STATE_RUNNING, 1000)).ok());
  std::vector<RankPhaseResult> results = {MakeRankResult(0, fta::v1::PHASE_WRITE, 0),
                                          MakeRankResult(0, fta::v1::PHASE_WRITE, 1),
                                          MakeRankResult(0, fta::v1::PHASE_WRITE, 0)};
  absl::Status status = store->AddRankResults("job-1", results);
  EXPECT_FALSE(status.ok());
  EXPECT_TRUE(absl::StrContains(status.message(), "rank_results")) << status.message();

  absl::StatusOr<Job> job = store->GetJob("job-1");
  ASSERT_TRUE(job.ok()) << job.status();
  EXPECT_EQ(job->rank_results_size(), 0);
  EXPECT_EQ(QueryDirectly(path_, "SELECT count(*) FROM rank_results"), "0");
}


}  // namespace
}  // namespace fta::store
