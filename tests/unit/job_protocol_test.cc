// The job protocol as JobCoordinator drives it, against scripted agents and a
// fake clock: parts, the READY deadline, GO with one common start time, the
// barrier inside a phase, batched samples as progress, completion and cancel,
// and how far ahead the start lies (StartLead) with the lateness the agents
// report.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <tuple>

#include "tests/unit/fakes/coordinator_fixture.h"

namespace fta::testing {
namespace {

class JobProtocolTest : public CoordinatorFixture {
 protected:
  // The agent's ranks arrived at `point` of the phase `go` started.
  void Arrive(const std::string& job, const std::string& fta_id, const fta::agent::v1::Go& go,
              fta::agent::v1::SyncPoint point, int64_t transfers) {
    fta::agent::v1::AgentMessage arrive;
    fta::agent::v1::SyncArrive* body = arrive.mutable_sync_arrive();
    body->set_job_id(job);
    body->set_iteration(go.iteration());
    body->set_phase(go.phase());
    body->set_point(point);
    body->set_transfers(transfers);
    links_.Reply(job, fta_id, arrive);
  }
};

TEST_F(JobProtocolTest, EachAgentGetsItsRanksAndTheResolvedSizes) {
  hostd::JobCoordinator::Started started = Start(Request());
  const std::string job = started.job.id();
  fta::agent::v1::JobPart first = Ready(job, "fta-1");
  fta::agent::v1::JobPart second = Ready(job, "fta-2");
  EXPECT_THAT(first.ranks(), ::testing::ElementsAre(0));
  EXPECT_THAT(second.ranks(), ::testing::ElementsAre(1));
  EXPECT_EQ(first.total_ranks(), 2);
  // Resolved by the daemon: sizes in bytes, IOR's defaults applied.
  EXPECT_EQ(first.params().transfer_size_bytes(), 4096);
  EXPECT_EQ(first.params().block_size_bytes(), 8192);
  EXPECT_EQ(first.params().segments(), 1);
  EXPECT_EQ(first.params().iterations(), 1);
  EXPECT_EQ(first.params().task_offset(), 1);
  EXPECT_EQ(first.params().file_name(), "testfile");
  EXPECT_TRUE(first.params().write());
  EXPECT_FALSE(first.params().read());
  EXPECT_EQ(first.params().engine(), fta::v1::ENGINE_BUILTIN);
  EXPECT_EQ(first.params().SerializeAsString(), second.params().SerializeAsString());
  EXPECT_EQ(first.signature(), second.signature());
  ASSERT_TRUE(jobs().Cancel(job).ok());
}

TEST_F(JobProtocolTest, AnAgentMissingTheReadyDeadlineFailsTheJobAndIsNamed) {
  options_.ready_timeout = absl::Seconds(5);
  hostd::JobCoordinator::Started started = Start(Request());
  const std::string job = started.job.id();
  Ready(job, "fta-1");
  ASSERT_TRUE(links_.NextSent("fta-2").has_part());  // never answers
  clock_.Advance(absl::Seconds(6));
  fta::v1::Job finished = Finished(started.events.get());
  EXPECT_EQ(finished.state(), fta::v1::JOB_STATE_FAILED);
  EXPECT_THAT(finished.error(), HasSubstr("fta-2: no READY before the deadline"));
  EXPECT_EQ(AgentState(finished, "fta-2"), fta::v1::JOB_AGENT_STATE_TIMEOUT);
  EXPECT_EQ(AgentState(finished, "fta-1"), fta::v1::JOB_AGENT_STATE_CANCELLED);
  EXPECT_TRUE(links_.NextSent("fta-1").has_cancel());
  EXPECT_FALSE(fleet_.busy("fta-1"));
  EXPECT_FALSE(fleet_.busy("fta-2"));
}

TEST_F(JobProtocolTest, GoCarriesOneCommonStartTimeAheadOfNow) {
  hostd::JobCoordinator::Started started;
  const std::string job = StartReady(&started);
  fta::agent::v1::Go first = NextGo("fta-1");
  fta::agent::v1::Go second = NextGo("fta-2");
  EXPECT_EQ(first.phase(), fta::v1::PHASE_WRITE);
  EXPECT_EQ(first.start_at_unix_ns(), second.start_at_unix_ns());
  EXPECT_GT(first.start_at_unix_ns(), clock_.NowUnixNanos());
  PhaseDone(job, "fta-1", 0, first);
  PhaseDone(job, "fta-2", 1, second);
  fta::v1::Job finished = Finished(started.events.get());
  EXPECT_EQ(finished.state(), fta::v1::JOB_STATE_COMPLETED);
  ASSERT_EQ(finished.aggregates_size(), 1);
  EXPECT_EQ(finished.aggregates(0).bytes(), 2 * 8192);
  EXPECT_TRUE(links_.NextSent("fta-1").has_finish());
  EXPECT_EQ(store_->GetJob(job)->state(), fta::v1::JOB_STATE_COMPLETED);
}

TEST_F(JobProtocolTest, TheBarrierReleasesEveryoneOnceAllArrivedWithTheLargestCount) {
  hostd::JobCoordinator::Started started;
  const std::string job = StartReady(&started);
  fta::agent::v1::Go go = NextGo("fta-1");
  NextGo("fta-2");
  for (auto [fta_id, transfers] : {std::pair<const char*, int64_t>{"fta-1", 3}, {"fta-2", 7}}) {
    Arrive(job, fta_id, go, fta::agent::v1::SYNC_POINT_STONEWALL, transfers);
  }
  // A release after the first arrival alone would carry 3.
  for (const char* fta_id : {"fta-1", "fta-2"}) {
    fta::agent::v1::HostMessage release = links_.NextSent(fta_id);
    ASSERT_TRUE(release.has_sync_release()) << release.DebugString();
    EXPECT_EQ(release.sync_release().point(), fta::agent::v1::SYNC_POINT_STONEWALL);
    EXPECT_EQ(release.sync_release().transfers(), 7);
  }
  ASSERT_TRUE(jobs().Cancel(job).ok());
}

TEST_F(JobProtocolTest, BatchedSamplesBecomeProgressAndThePartCarriesTheBatchWindow) {
  options_.sample_interval_ms = 100;
  options_.sample_batch_ms = 1000;
  hostd::JobCoordinator::Started started = Start(Request());
  const std::string job = started.job.id();
  EXPECT_EQ(Ready(job, "fta-1").sample_batch_ms(), 1000);
  Ready(job, "fta-2");
  fta::agent::v1::Go go = NextGo("fta-1");
  NextGo("fta-2");
  // A barrier round trip: the phase's collector is listening from here on.
  for (const char* fta_id : {"fta-1", "fta-2"}) {
    fta::agent::v1::AgentMessage arrive;
    arrive.mutable_sync_arrive()->set_job_id(job);
    arrive.mutable_sync_arrive()->set_iteration(go.iteration());
    arrive.mutable_sync_arrive()->set_phase(go.phase());
    arrive.mutable_sync_arrive()->set_point(fta::agent::v1::SYNC_POINT_AFTER_OPEN);
    links_.Reply(job, fta_id, arrive);
  }
  ASSERT_TRUE(links_.NextSent("fta-1").has_sync_release());
  clock_.Advance(absl::Seconds(1));
  fta::agent::v1::AgentMessage batch;
  batch.mutable_sample_batch()->set_job_id(job);
  for (int i = 0; i < 3; ++i) {
    fta::agent::v1::ThroughputSample* sample = batch.mutable_sample_batch()->add_samples();
    sample->set_iteration(go.iteration());
    sample->set_phase(go.phase());
    sample->set_bytes(100);
  }
  links_.Reply(job, "fta-1", batch);
  std::optional<fta::v1::JobEvent> event;
  do {
    event = started.events->Pop(clock_.Now() + absl::Hours(1));
    ASSERT_TRUE(event.has_value());
  } while (!event->has_progress());
  EXPECT_EQ(event->progress().bytes_done(), 300);
  ASSERT_TRUE(jobs().Cancel(job).ok());
}

TEST_F(JobProtocolTest, AJobOnManyAgentsGetsAWiderBatchWindowToStayUnderTheMessageBudget) {
  options_.sample_interval_ms = 100;
  options_.sample_batch_ms = 1000;
  options_.sample_messages_per_s = 1;  // two agents: 2 s batches
  hostd::JobCoordinator::Started started = Start(Request());
  EXPECT_EQ(Ready(started.job.id(), "fta-1").sample_batch_ms(), 2000);
  ASSERT_TRUE(jobs().Cancel(started.job.id()).ok());
}

TEST(SampleBatchWindowTest, GrowsWithTheAgentsOnlyPastTheBudgetAndNeverForPerSampleMessages) {
  EXPECT_EQ(hostd::SampleBatchWindowMs(1000, 100, 500), 1000);   // 100 msgs/s: under budget
  EXPECT_EQ(hostd::SampleBatchWindowMs(1000, 1000, 500), 2000);  // 1000 agents: 2 s
  EXPECT_EQ(hostd::SampleBatchWindowMs(1000, 1001, 499), 2007);  // rounded up
  EXPECT_EQ(hostd::SampleBatchWindowMs(1000, 100000, 500), 10000);  // at most 10 s
  EXPECT_EQ(hostd::SampleBatchWindowMs(1000, 1000, 0), 1000);    // no budget
  EXPECT_EQ(hostd::SampleBatchWindowMs(0, 1000, 500), 0);        // every sample alone stays so
}

TEST_F(JobProtocolTest, TheStartLiesAheadByTheMeasuredDeliveryAndItsLatenessIsReported) {
  hostd::JobCoordinator::Started started;
  const std::string job = StartReady(&started, /*read=*/true);
  // READY came back at once (the clock stands still): the lead is its floor.
  const int64_t now = clock_.NowUnixNanos();
  fta::agent::v1::Go write = NextGo("fta-1");
  NextGo("fta-2");
  EXPECT_EQ(write.start_at_unix_ns() - now, absl::ToInt64Nanoseconds(hostd::StartLeadOptions().floor));
  // fta-2 got the GO 1 ms before the start but parked its ranks 2 ms after.
  for (auto [fta_id, rank, parked_ms] :
       {std::tuple<const char*, int, int64_t>{"fta-1", 0, -3}, {"fta-2", 1, 2}}) {
    fta::agent::v1::AgentMessage done;
    done.mutable_phase_done()->set_job_id(job);
    done.mutable_phase_done()->set_go_received_unix_ns(write.start_at_unix_ns() -
                                                       1'000'000 * (rank == 0 ? 3 : 1));
    done.mutable_phase_done()->set_ranks_parked_unix_ns(write.start_at_unix_ns() + 1'000'000 * parked_ms);
    fta::v1::RankPhaseResult* result = done.mutable_phase_done()->add_ranks();
    result->set_rank(rank);
    result->set_phase(fta::v1::PHASE_WRITE);
    result->set_open_start_ns(write.start_at_unix_ns());
    result->set_close_end_ns(write.start_at_unix_ns() + 1'000'000);
    result->set_bytes(8192);
    links_.Reply(job, fta_id, done);
  }
  // fta-2's delivery (send to parked) was 6 ms: x 1.5 is the next lead.
  fta::agent::v1::Go read = NextGo("fta-1");
  NextGo("fta-2");
  EXPECT_EQ(read.phase(), fta::v1::PHASE_READ);
  EXPECT_EQ(read.start_at_unix_ns() - now, 9'000'000);
  PhaseDone(job, "fta-1", 0, read);
  PhaseDone(job, "fta-2", 1, read);
  fta::v1::Job finished = Finished(started.events.get());
  ASSERT_EQ(finished.aggregates_size(), 2);
  const fta::v1::PhaseAggregate& first = finished.aggregates(0);
  EXPECT_DOUBLE_EQ(first.start_lead_seconds(), 0.004);
  EXPECT_NEAR(first.go_late_seconds(), -0.001, 1e-9);
  EXPECT_NEAR(first.park_late_seconds(), 0.002, 1e-9);
  EXPECT_DOUBLE_EQ(finished.aggregates(1).start_lead_seconds(), 0.009);
}

TEST_F(JobProtocolTest, ABarrierIsLeftTogetherAtATimeAhead) {
  hostd::JobCoordinator::Started started;
  const std::string job = StartReady(&started);
  fta::agent::v1::Go go = NextGo("fta-1");
  NextGo("fta-2");
  for (const char* fta_id : {"fta-1", "fta-2"}) Arrive(job, fta_id, go, fta::agent::v1::SYNC_POINT_AFTER_OPEN, 0);
  for (const char* fta_id : {"fta-1", "fta-2"}) {
    fta::agent::v1::HostMessage release = links_.NextSent(fta_id);
    ASSERT_TRUE(release.has_sync_release()) << release.DebugString();
    EXPECT_GT(release.sync_release().release_at_unix_ns(), clock_.NowUnixNanos());
  }
  ASSERT_TRUE(jobs().Cancel(job).ok());
}

TEST_F(JobProtocolTest, CancelStopsTheJobAndTellsTheAgents) {
  hostd::JobCoordinator::Started started = Start(Request());
  const std::string job = started.job.id();
  Ready(job, "fta-1");
  absl::StatusOr<fta::v1::Job> cancelled = jobs().Cancel(job);
  ASSERT_TRUE(cancelled.ok()) << cancelled.status();
  EXPECT_EQ(cancelled->state(), fta::v1::JOB_STATE_CANCELLED);
  EXPECT_EQ(cancelled->error(), "cancelled by operator");
  ASSERT_TRUE(links_.NextSent("fta-2").has_part());
  EXPECT_TRUE(links_.NextSent("fta-2").has_cancel());
  EXPECT_FALSE(links_.inbox_open(job));
  EXPECT_FALSE(fleet_.busy("fta-1"));
  EXPECT_EQ(jobs().Cancel(job).status().code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace fta::testing
