// End to end, on real parts: fta-hostd as a process, fta-agent processes
// started by its process backend, real gRPC over unix sockets, real files,
// real SQLite.
#include <signal.h>
#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include <gtest/gtest.h>

#include "tests/integration/hostd_harness.h"
#include "tests/integration/job_fixture.h"

namespace fta::testing {
namespace {

using fta::v1::Job;
using fta::v1::JobEvent;

class IorJobTest : public HostdJobTest {
 protected:
  fta::v1::RunIorRequest WriteReadRequest(const std::string& t, const std::string& b) {
    return testing::WriteReadRequest(data_dir_, t, b);
  }
};

// The IOR aggregate recomputed from the stored per-rank timestamps.
double RecomputedMib(const Job& job, int iteration, fta::v1::Phase phase, int64_t* bytes_out) {
  int64_t bytes = 0, first_open = INT64_MAX, last_close = INT64_MIN;
  for (const auto& rank : job.rank_results()) {
    if (rank.iteration() != iteration || rank.phase() != phase) continue;
    bytes += rank.bytes();
    first_open = std::min(first_open, rank.open_start_ns());
    last_close = std::max(last_close, rank.close_end_ns());
  }
  *bytes_out = bytes;
  return static_cast<double>(bytes) / (static_cast<double>(last_close - first_open) / 1e9) / 1048576.0;
}

TEST_F(IorJobTest, ThreeAgentsWriteAndReadWithIorAggregate) {
  std::vector<fta::v1::Fta> ftas = Allocate(3);
  ASSERT_EQ(ftas.size(), 3u);
  for (const auto& fta : ftas) EXPECT_EQ(fta.state(), fta::v1::FTA_STATE_READY) << fta.id();

  std::vector<JobEvent> events;
  grpc::Status status = RunJob(hostd_->jobs(), WriteReadRequest("1m", "16m"), &events);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_FALSE(events.empty());
  EXPECT_TRUE(events.front().has_started());
  Job job = FinishedJob(events);
  ASSERT_EQ(job.state(), fta::v1::JOB_STATE_COMPLETED) << job.error();
  ASSERT_EQ(job.agents_size(), 3);
  std::set<int> ranks;
  for (const auto& agent : job.agents()) {
    EXPECT_EQ(agent.state(), fta::v1::JOB_AGENT_STATE_OK);
    ASSERT_EQ(agent.ranks_size(), 1);
    ranks.insert(agent.ranks(0));
  }
  EXPECT_EQ(ranks, (std::set<int>{0, 1, 2}));

  // Every rank moved exactly its block, in both phases.
  int per_phase = 0;
  for (const auto& rank : job.rank_results()) {
    if (rank.phase() == fta::v1::PHASE_REMOVE) continue;
    ++per_phase;
    EXPECT_EQ(rank.bytes(), 16 << 20) << "rank " << rank.rank();
    EXPECT_LE(rank.open_start_ns(), rank.open_end_ns());
    EXPECT_LE(rank.open_end_ns(), rank.xfer_start_ns());
    EXPECT_LE(rank.xfer_end_ns(), rank.close_start_ns());
    EXPECT_LE(rank.close_start_ns(), rank.close_end_ns());
  }
  EXPECT_EQ(per_phase, 6);

  ASSERT_EQ(job.aggregates_size(), 2);
  for (const auto& aggregate : job.aggregates()) {
    int64_t bytes = 0;
    double expected = RecomputedMib(job, aggregate.iteration(), aggregate.phase(), &bytes);
    EXPECT_EQ(aggregate.bytes(), 3 * (16 << 20));
    EXPECT_EQ(bytes, aggregate.bytes());
    EXPECT_NEAR(aggregate.bandwidth_mib(), expected, expected * 1e-9);
    EXPECT_GE(aggregate.start_skew_seconds(), 0.0);
    EXPECT_EQ(aggregate.ranks(), 3);
  }
  // Without -k the files are gone after the job.
  for (int rank = 0; rank < 3; ++rank) {
    char name[32];
    snprintf(name, sizeof(name), "/testfile.%08d", rank);
    EXPECT_FALSE(std::filesystem::exists(data_dir_ + name)) << name;
  }

  // Stored in SQLite: read the database directly.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2((hostd_->state_dir() + "/fta-hostd.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr),
            SQLITE_OK);
  sqlite3_stmt* statement = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM rank_results WHERE job_id = ?", -1, &statement, nullptr),
            SQLITE_OK);
  sqlite3_bind_text(statement, 1, job.id().c_str(), -1, SQLITE_TRANSIENT);
  ASSERT_EQ(sqlite3_step(statement), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(statement, 0), 9);  // 3 ranks x write, read, remove
  sqlite3_finalize(statement);
  sqlite3_close(db);

  // Visible after a daemon restart, and the agents come back.
  ASSERT_EQ(hostd_->Stop(), 0);
  ASSERT_TRUE(hostd_->Start());
  Job reloaded = StoredJob(*hostd_, job.id());
  EXPECT_EQ(reloaded.state(), fta::v1::JOB_STATE_COMPLETED);
  ASSERT_EQ(reloaded.aggregates_size(), 2);
  EXPECT_DOUBLE_EQ(reloaded.aggregates(0).bandwidth_mib(), job.aggregates(0).bandwidth_mib());
  EXPECT_EQ(reloaded.rank_results_size(), 9);
}

TEST_F(IorJobTest, AgentsSurviveDaemonRestartAndRunAgain) {
  std::vector<fta::v1::Fta> ftas = Allocate(2);
  ASSERT_EQ(ftas.size(), 2u);
  hostd_->Kill();  // a crash, not a clean stop
  ASSERT_TRUE(hostd_->Start());
  // Reconcile adopted them; each agent reconnects on its own backoff.
  fta::v1::WaitFtasReadyRequest wait;
  wait.set_timeout_s(60);
  fta::v1::WaitFtasReadyResponse ready;
  auto context = ContextWithDeadline(90);
  grpc::Status waited = hostd_->ftas().WaitFtasReady(context.get(), wait, &ready);
  ASSERT_TRUE(waited.ok()) << waited.error_message();
  ASSERT_EQ(ready.ftas_size(), 2);
  for (const auto& fta : ready.ftas()) {
    EXPECT_EQ(fta.state(), fta::v1::FTA_STATE_READY) << fta.id();
    EXPECT_EQ(fta.pid(), fta.id() == ftas[0].id() ? ftas[0].pid() : ftas[1].pid()) << "not the same process";
  }
  std::vector<JobEvent> events;
  ASSERT_TRUE(RunJob(hostd_->jobs(), WriteReadRequest("256k", "4m"), &events).ok());
  EXPECT_EQ(FinishedJob(events).state(), fta::v1::JOB_STATE_COMPLETED) << FinishedJob(events).error();
}

TEST_F(IorJobTest, KilledAgentEndsJobNamingIt) {
  std::vector<fta::v1::Fta> ftas = Allocate(3);
  ASSERT_EQ(ftas.size(), 3u);
  fta::v1::RunIorRequest request = WriteReadRequest("64k", "8m");
  // Many iterations: the job is certainly still running after the first.
  request.mutable_spec()->set_iterations(5000);
  request.set_job_deadline_s(120);

  auto context = ContextWithDeadline(300);
  auto reader = hostd_->jobs().RunIor(context.get(), request);
  JobEvent event;
  bool killed = false;
  Job finished;
  const fta::v1::Fta& victim = ftas[1];
  while (reader->Read(&event)) {
    if (event.has_phase_finished() && !killed) {
      ASSERT_EQ(kill(static_cast<pid_t>(victim.pid()), SIGKILL), 0);
      killed = true;
    }
    if (event.has_finished()) finished = event.finished();
  }
  ASSERT_TRUE(reader->Finish().ok());
  ASSERT_TRUE(killed);
  EXPECT_TRUE(finished.state() == fta::v1::JOB_STATE_PARTIAL || finished.state() == fta::v1::JOB_STATE_FAILED)
      << fta::v1::JobState_Name(finished.state());
  EXPECT_NE(finished.error().find(victim.id()), std::string::npos) << finished.error();
  EXPECT_NE(finished.error().find("1 of 3"), std::string::npos) << finished.error();
  // Ended by the failure, not by the 120 s deadline.
  EXPECT_LT(finished.finished_unix_ms() - finished.created_unix_ms(), 120'000);
  for (const auto& agent : finished.agents()) {
    if (agent.fta_id() == victim.id()) {
      EXPECT_TRUE(agent.state() == fta::v1::JOB_AGENT_STATE_LOST || agent.state() == fta::v1::JOB_AGENT_STATE_FAILED)
          << fta::v1::JobAgentState_Name(agent.state());
    } else {
      EXPECT_EQ(agent.state(), fta::v1::JOB_AGENT_STATE_CANCELLED) << agent.fta_id();
    }
  }

  // The daemon noticed the exit, and the other FTAs are usable again.
  fta::v1::GetFtaRequest get;
  get.set_id(victim.id());
  fta::v1::Fta dead;
  auto get_context = ContextWithDeadline(30);
  ASSERT_TRUE(hostd_->ftas().GetFta(get_context.get(), get, &dead).ok());
  EXPECT_NE(dead.state(), fta::v1::FTA_STATE_READY);
  fta::v1::RunIorRequest again = WriteReadRequest("1m", "4m");
  again.clear_on();
  again.add_on(ftas[0].id());
  again.add_on(ftas[2].id());
  std::vector<JobEvent> events;
  ASSERT_TRUE(RunJob(hostd_->jobs(), again, &events).ok());
  EXPECT_EQ(FinishedJob(events).state(), fta::v1::JOB_STATE_COMPLETED) << FinishedJob(events).error();
}

TEST_F(IorJobTest, CancelStopsAJobAndFreesItsFtas) {
  std::vector<fta::v1::Fta> ftas = Allocate(2);
  ASSERT_EQ(ftas.size(), 2u);
  fta::v1::RunIorRequest request = WriteReadRequest("64k", "4m");
  request.mutable_spec()->set_iterations(5000);  // far longer than the test waits
  auto context = ContextWithDeadline(300);
  auto reader = hostd_->jobs().RunIor(context.get(), request);
  JobEvent event;
  std::string job_id;
  Job cancelled;
  bool asked = false;
  while (reader->Read(&event)) {
    if (event.has_started()) job_id = event.started().id();
    if (event.has_phase_finished() && !asked) {
      grpc::Status status = CancelJob(*hostd_, job_id, &cancelled);
      ASSERT_TRUE(status.ok()) << status.error_message();
      asked = true;
    }
  }
  ASSERT_TRUE(reader->Finish().ok());
  EXPECT_EQ(cancelled.state(), fta::v1::JOB_STATE_CANCELLED);
  for (const auto& agent : cancelled.agents()) EXPECT_EQ(agent.state(), fta::v1::JOB_AGENT_STATE_CANCELLED) << agent.fta_id();

  // Cancelling again is refused, and the FTAs take the next job.
  Job ignored;
  EXPECT_EQ(CancelJob(*hostd_, job_id, &ignored, 30).error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  std::vector<JobEvent> events;
  ASSERT_TRUE(RunJob(hostd_->jobs(), WriteReadRequest("1m", "4m"), &events).ok());
  EXPECT_EQ(FinishedJob(events).state(), fta::v1::JOB_STATE_COMPLETED) << FinishedJob(events).error();
}

TEST_F(IorJobTest, NativeBaselineRunsThroughHostAgent) {
  fta::v1::RunIorRequest request = WriteReadRequest("1m", "8m");
  request.clear_on();
  request.add_on("native");
  request.mutable_spec()->set_ranks_per_fta(2);
  std::vector<JobEvent> events;
  ASSERT_TRUE(RunJob(hostd_->jobs(), request, &events).ok());
  Job job = FinishedJob(events);
  ASSERT_EQ(job.state(), fta::v1::JOB_STATE_COMPLETED) << job.error();
  ASSERT_EQ(job.agents_size(), 1);
  EXPECT_EQ(job.agents(0).fta_id(), "native");
  EXPECT_EQ(job.agents(0).ranks_size(), 2);
  ASSERT_GE(job.aggregates_size(), 1);
  EXPECT_EQ(job.aggregates(0).bytes(), 2 * (8 << 20));
}

}  // namespace
}  // namespace fta::testing
