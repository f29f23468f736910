// Store behaviour on real SQLite files: what survives a hostd restart (close
// and reopen), ids, schema versions, refusal of newer or corrupt databases,
// and all-or-nothing writes.
#include "lib/store/store.h"

#include <sqlite3.h>
#include <stdlib.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"

namespace fta::store {
namespace {

using fta::v1::Fta;
using fta::v1::Job;
using fta::v1::PhaseAggregate;
using fta::v1::PhaseSummary;
using fta::v1::RankPhaseResult;

class FakeClock final : public fta::Clock {
 public:
  explicit FakeClock(int64_t nanos) : nanos_(nanos) {}
  int64_t NowUnixNanos() const override { return nanos_; }

 private:
  int64_t nanos_;
};

// Runs one SQL statement on its own connection, bypassing the Store, and
// returns the first column of the first row as text ("" when none).
std::string QueryDirectly(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK)
      << sqlite3_errmsg(db);
  std::string value;
  if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0) != nullptr) {
    value = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return value;
}

bool Equal(const google::protobuf::Message& a, const google::protobuf::Message& b) {
  return google::protobuf::util::MessageDifferencer::Equals(a, b);
}

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "store_test.XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    path_ = dir_ + "/fta-hostd.db";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<Store> OpenStore() {
    absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(path_, &clock_);
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? std::move(*store) : nullptr;
  }

  static Fta MakeFta(const std::string& id, fta::v1::FtaState state, int64_t created_ms) {
    Fta fta;
    fta.set_id(id);
    fta.set_kind(fta::v1::FTA_KIND_PROCESS);
    fta.set_backend(fta::v1::BACKEND_PROCESS);
    fta.set_state(state);
    fta.set_pid(4242);
    fta.set_hostname("guest-1");
    fta.set_agent_version("0.1.0");
    fta.set_ior_path("/usr/bin/ior");
    fta.set_ior_version("4.0.0");
    fta.set_created_unix_ms(created_ms);
    fta.set_connected_unix_ms(created_ms + 10);
    fta.set_last_heartbeat_unix_ms(created_ms + 20);
    fta.set_last_error("it's \"quoted\"; DROP TABLE ftas; --");
    fta.set_vf("0000:3b:00.2");
    return fta;
  }

  static Job MakeJob(const std::string& id, fta::v1::JobState state, int64_t created_ms) {
    Job job;
    job.set_id(id);
    job.set_state(state);
    fta::v1::IorSpec* spec = job.mutable_spec();
    spec->set_transfer_size("1m");
    spec->set_block_size("48g");
    spec->set_iterations(2);
    spec->set_write(true);
    spec->set_read(true);
    spec->set_directory("/lustre/scratch");
    spec->set_reorder_tasks(true);
    spec->set_ranks_per_fta(2);
    fta::v1::JobAgent* a1 = job.add_agents();
    a1->set_fta_id("fta-2");
    a1->add_ranks(0);
    a1->add_ranks(1);
    a1->set_state(fta::v1::JOB_AGENT_STATE_OK);
    fta::v1::JobAgent* a2 = job.add_agents();
    a2->set_fta_id("fta-1");
    a2->add_ranks(2);
    a2->add_ranks(3);
    a2->set_state(fta::v1::JOB_AGENT_STATE_FAILED);
    a2->set_error("agent stream dropped");
    job.set_created_unix_ms(created_ms);
    job.set_finished_unix_ms(0);
    job.set_transfer_size_bytes(1 << 20);
    job.set_block_size_bytes(int64_t{48} << 30);
    job.set_engine(fta::v1::ENGINE_BUILTIN);
    return job;
  }

  static PhaseAggregate MakeAggregate(int iteration, fta::v1::Phase phase) {
    PhaseAggregate a;
    a.set_iteration(iteration);
    a.set_phase(phase);
    a.set_bytes(int64_t{4} << 30);
    a.set_total_seconds(2.5 + iteration);
    a.set_bandwidth_mib(1638.4);
    a.set_bandwidth_mb(1717.9869184);
    a.set_iops(1638.4);
    a.set_open_seconds(0.001);
    a.set_xfer_seconds(2.4);
    a.set_close_seconds(0.099);
    a.set_start_skew_seconds(0.0005);
    a.set_ranks(4);
    return a;
  }

  static RankPhaseResult MakeRankResult(int iteration, fta::v1::Phase phase, int rank) {
    RankPhaseResult r;
    r.set_fta_id(rank < 2 ? "fta-2" : "fta-1");
    r.set_rank(rank);
    r.set_iteration(iteration);
    r.set_phase(phase);
    const int64_t base = int64_t{1'700'000'000'000'000'000} + iteration * 1'000'000'000LL;
    r.set_open_start_ns(base + 1);
    r.set_open_end_ns(base + 2);
    r.set_xfer_start_ns(base + 3);
    r.set_xfer_end_ns(base + 4);
    r.set_close_start_ns(base + 5);
    r.set_close_end_ns(base + 6);
    r.set_bytes(int64_t{1} << 30);
    r.set_ops(1024);
    return r;
  }

  FakeClock clock_{int64_t{1'700'000'123'456} * 1'000'000};
  std::string dir_;
  std::string path_;
};

TEST_F(StoreTest, FtaSurvivesReopen) {
  const Fta fta = MakeFta("fta-1", fta::v1::FTA_STATE_READY, 1000);
  {
    std::unique_ptr<Store> store = OpenStore();
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->PutFta(fta).ok());
  }
  std::unique_ptr<Store> store = OpenStore();
  ASSERT_NE(store, nullptr);
  absl::StatusOr<Fta> got = store->GetFta("fta-1");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_TRUE(Equal(*got, fta)) << got->DebugString();
}

TEST_F(StoreTest, PutFtaReplacesTheRecordAndKeepsItsPlace) {
  std::unique_ptr<Store> store = OpenStore();
  ASSERT_TRUE(store->PutFta(MakeFta("fta-1", fta::v1::FTA_STATE_STARTING, 1000)).ok());
  ASSERT_TRUE(store->PutFta(MakeFta("fta-2", fta::v1::FTA_STATE_STARTING, 1000)).ok());
  Fta updated = MakeFta("fta-1", fta::v1::FTA_STATE_LOST, 1000);
  updated.set_last_error("stream dropped");
  ASSERT_TRUE(store->PutFta(updated).ok());

  absl::StatusOr<std::vector<Fta>> ftas = store->ListFtas(false);
  ASSERT_TRUE(ftas.ok()) << ftas.status();
  ASSERT_EQ(ftas->size(), 2u);
  EXPECT_TRUE(Equal((*ftas)[0], updated));
  EXPECT_EQ((*ftas)[1].id(), "fta-2");
}

TEST_F(StoreTest, FtaStateIsStoredByName) {
  std::unique_ptr<Store> store = OpenStore();
  ASSERT_TRUE(store->PutFta(MakeFta("fta-1", fta::v1::FTA_STATE_READY, 1000)).ok());
  EXPECT_EQ(QueryDirectly(path_, "SELECT state FROM ftas WHERE id = 'fta-1'"), "FTA_STATE_READY");
  EXPECT_EQ(QueryDirectly(path_, "SELECT kind FROM ftas WHERE id = 'fta-1'"), "FTA_KIND_PROCESS");
}

TEST_F(StoreTest, ListFtasExcludesReleasedUnlessAsked) {
  std::unique_ptr<Store> store = OpenStore();
  ASSERT_TRUE(store->PutFta(MakeFta("fta-1", fta::v1::FTA_STATE_RELEASED, 1000)).ok());
  ASSERT_TRUE(store->PutFta(MakeFta("fta-2", fta::v1::FTA_STATE_READY, 2000)).ok());
  ASSERT_TRUE(store->PutFta(MakeFta("fta-3", fta::v1::FTA_STATE_FAILED, 3000)).ok());

  absl::StatusOr<std::vector<Fta>> live = store->ListFtas(false);
  ASSERT_TRUE(live.ok()) << live.status();
  ASSERT_EQ(live->size(), 2u);
  EXPECT_EQ((*live)[0].id(), "fta-2");
  EXPECT_EQ((*live)[1].id(), "fta-3");

  absl::StatusOr<std::vector<Fta>> all = store->ListFtas(true);
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].id(), "fta-1");
  EXPECT_EQ((*all)[1].id(), "fta-2");
  EXPECT_EQ((*all)[2].id(), "fta-3");
}

TEST_F(StoreTest, GetFtaOnUnknownIdIsNotFoundNamingIt) {
  std::unique_ptr<Store> store = OpenStore();
  absl::StatusOr<Fta> got = store->GetFta("fta-9");
  EXPECT_EQ(got.status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(absl::StrContains(got.status().message(), "fta-9")) << got.status().message();
}

TEST_F(StoreTest, PutFtaWithoutIdIsInvalidArgument) {
  std::unique_ptr<Store> store = OpenStore();
  EXPECT_EQ(store->PutFta(Fta()).code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(StoreTest, IdsAreSequentialAndNeverReusedAfterReopen) {
  {
    std::unique_ptr<Store> store = OpenStore();
    EXPECT_EQ(store->NextFtaId().value_or(""), "fta-1");
    EXPECT_EQ(store->NextFtaId().value_or(""), "fta-2");
    EXPECT_EQ(store->NextJobId().value_or(""), "job-1");
  }
  std::unique_ptr<Store> store = OpenStore();
  EXPECT_EQ(store->NextFtaId().value_or(""), "fta-3");
  EXPECT_EQ(store->NextJobId().value_or(""), "job-2");
}

TEST_F(StoreTest, ConcurrentIdAllocationGivesDistinctIds) {
  std::unique_ptr<Store> store = OpenStore();
  constexpr int kThreads = 4;
  constexpr int kPerThread = 50;
  std::vector<std::vector<std::string>> ids(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&store, &ids, t] {
      for (int i = 0; i < kPerThread; ++i) {
        absl::StatusOr<std::string> id = store->NextFtaId();
        if (id.ok()) ids[t].push_back(*id);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  std::set<std::string> distinct;
  for (const auto& list : ids) distinct.insert(list.begin(), list.end());
  EXPECT_EQ(distinct.size(), size_t{kThreads * kPerThread});
  EXPECT_EQ(store->NextFtaId().value_or(""), absl::StrCat("fta-", kThreads * kPerThread + 1));
}

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

  absl::StatusOr<Job> got = store->GetJob("job-1");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_TRUE(Equal(*got, job)) << got->DebugString();
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

TEST_F(StoreTest, SchemaVersionEqualsNumberOfMigrations) {
  std::unique_ptr<Store> store = OpenStore();
  EXPECT_GE(Store::LatestSchemaVersion(), 1);
  EXPECT_EQ(store->SchemaVersion(), Store::LatestSchemaVersion());
  EXPECT_EQ(QueryDirectly(path_, "PRAGMA user_version"),
            std::to_string(Store::LatestSchemaVersion()));
}

TEST_F(StoreTest, ReopeningAMigratedDatabaseKeepsItsVersion) {
  OpenStore().reset();
  std::unique_ptr<Store> store = OpenStore();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->SchemaVersion(), Store::LatestSchemaVersion());
}

TEST_F(StoreTest, DatabaseFromANewerReleaseIsRefused) {
  OpenStore().reset();
  const int future = Store::LatestSchemaVersion() + 1;
  QueryDirectly(path_, absl::StrCat("PRAGMA user_version = ", future));

  absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(path_, &clock_);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition);
  const std::string message(store.status().message());
  EXPECT_TRUE(absl::StrContains(message, path_)) << message;
  EXPECT_TRUE(absl::StrContains(message, std::to_string(future))) << message;
  EXPECT_TRUE(absl::StrContains(message, std::to_string(Store::LatestSchemaVersion()))) << message;
}

TEST_F(StoreTest, CorruptFileGivesAClearError) {
  {
    std::unique_ptr<Store> store = OpenStore();
    ASSERT_TRUE(store->PutFta(MakeFta("fta-1", fta::v1::FTA_STATE_READY, 1000)).ok());
  }
  const auto size = std::filesystem::file_size(path_);
  ASSERT_GT(size, 0u);
  {
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    for (uintmax_t i = 0; i < size; ++i) out.put(static_cast<char>((i * 131 + 7) & 0xff));
  }

  absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(path_, &clock_);
  ASSERT_FALSE(store.ok());
  const std::string message(store.status().message());
  EXPECT_TRUE(absl::StrContains(message, path_)) << message;
  EXPECT_TRUE(absl::StrContains(message, "not a database")) << message;
}

TEST_F(StoreTest, OpenInAMissingDirectoryFailsNamingThePath) {
  const std::string path = dir_ + "/missing/fta-hostd.db";
  absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(path, &clock_);
  ASSERT_FALSE(store.ok());
  EXPECT_TRUE(absl::StrContains(store.status().message(), path)) << store.status().message();
}

TEST_F(StoreTest, JournalModeIsWal) {
  std::unique_ptr<Store> store = OpenStore();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(QueryDirectly(path_, "PRAGMA journal_mode"), "wal");
}

}  // namespace
}  // namespace fta::store
