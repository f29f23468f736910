// How a job ends when agents fail, against scripted agents and a fake clock:
// loss mid-phase (FAILED, culprit named), a failure after a measured phase
// (PARTIAL, earlier phases kept), and jobs a previous daemon left running.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/fakes/coordinator_fixture.h"

namespace fta::testing {
namespace {

using JobFailureTest = CoordinatorFixture;

TEST_F(JobFailureTest, AnAgentLostMidPhaseFailsTheJobAndTheOthersAreCancelled) {
  hostd::JobCoordinator::Started started;
  const std::string job = StartReady(&started);
  fta::agent::v1::Go go = NextGo("fta-1");
  NextGo("fta-2");
  PhaseDone(job, "fta-1", 0, go);
  links_.Lose(job, "fta-2", "stream closed");
  fta::v1::Job finished = Finished(started.events.get());
  EXPECT_EQ(finished.state(), fta::v1::JOB_STATE_FAILED);
  EXPECT_THAT(finished.error(), HasSubstr("1 of 2 agents failed (fta-2)"));
  EXPECT_THAT(finished.error(), HasSubstr("fta-2 lost while waiting for write result (iteration 0): stream closed"));
  EXPECT_THAT(finished.error(), HasSubstr("cancelled: fta-1"));
  EXPECT_EQ(AgentState(finished, "fta-2"), fta::v1::JOB_AGENT_STATE_LOST);
  EXPECT_EQ(finished.aggregates_size(), 0);
  EXPECT_TRUE(links_.NextSent("fta-1").has_cancel());
}

TEST_F(JobFailureTest, AFailureAfterAMeasuredPhaseKeepsItAsPartial) {
  hostd::JobCoordinator::Started started;
  const std::string job = StartReady(&started, /*read=*/true);
  fta::agent::v1::Go write1 = NextGo("fta-1");
  fta::agent::v1::Go write2 = NextGo("fta-2");
  PhaseDone(job, "fta-1", 0, write1);
  PhaseDone(job, "fta-2", 1, write2);
  fta::agent::v1::Go read = NextGo("fta-1");
  EXPECT_EQ(read.phase(), fta::v1::PHASE_READ);
  Fail(job, "fta-1", "short read");
  fta::v1::Job finished = Finished(started.events.get());
  EXPECT_EQ(finished.state(), fta::v1::JOB_STATE_PARTIAL);
  ASSERT_EQ(finished.aggregates_size(), 1);
  EXPECT_EQ(finished.aggregates(0).phase(), fta::v1::PHASE_WRITE);
  EXPECT_THAT(finished.error(), HasSubstr("fta-1 failed: short read"));
  absl::StatusOr<fta::v1::Job> stored = store_->GetJob(job);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->state(), fta::v1::JOB_STATE_PARTIAL);
  EXPECT_EQ(stored->aggregates_size(), 1);
}

TEST_F(JobFailureTest, RecoveryMarksJobsAPreviousDaemonLeftRunningAsFailed) {
  fta::v1::Job left;
  left.set_id("job-1");
  left.set_state(fta::v1::JOB_STATE_RUNNING);
  ASSERT_TRUE(store_->PutJob(left).ok());
  ASSERT_TRUE(jobs().RecoverAfterRestart().ok());
  absl::StatusOr<fta::v1::Job> stored = store_->GetJob("job-1");
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->state(), fta::v1::JOB_STATE_FAILED);
  EXPECT_THAT(stored->error(), HasSubstr("interrupted"));
}

}  // namespace
}  // namespace fta::testing
