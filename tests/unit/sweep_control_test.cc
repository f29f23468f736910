// Stopping and continuing sweeps against a fake fleet and fake jobs: cancel
// stops the running job, and a sweep a previous daemon left running is
// marked INTERRUPTED at start and resumes with the first step not done.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/fakes/sweep_fixture.h"

namespace fta::testing {
namespace {

using ::testing::HasSubstr;

using SweepControlTest = SweepFixture;

TEST_F(SweepControlTest, CancelStopsTheRunningJobAndKeepsTheSweepResumable) {
  jobs_.Hold();
  absl::StatusOr<hostd::SweepRunner::Started> started = runner().Start(Spec({1, 2}));
  ASSERT_TRUE(started.ok()) << started.status();
  EXPECT_EQ(RunningJob(started->events.get()), "job-1");
  absl::StatusOr<fta::v1::Sweep> cancelled = runner().Cancel(started->sweep.id());
  ASSERT_TRUE(cancelled.ok()) << cancelled.status();
  EXPECT_EQ(cancelled->state(), fta::v1::SWEEP_STATE_CANCELLED);
  EXPECT_EQ(cancelled->error(), "cancelled by operator");
  ASSERT_EQ(cancelled->runs_size(), 1);
  EXPECT_EQ(cancelled->runs(0).state(), fta::v1::SWEEP_RUN_STATE_CANCELLED);
  EXPECT_EQ(jobs_.requests().size(), 1u);
}

TEST_F(SweepControlTest, ASweepLeftRunningIsInterruptedAtStartAndResumesWhereItStopped) {
  fta::v1::Sweep left;
  left.set_id("sweep-1");
  left.set_state(fta::v1::SWEEP_STATE_RUNNING);
  *left.mutable_spec() = Spec({1, 2, 3});
  left.set_steps_total(3);
  ASSERT_TRUE(store_->PutSweep(left).ok());
  fta::v1::SweepRun done;
  done.set_step(0);
  done.set_fta_count(1);
  done.set_target(fta::v1::SWEEP_TARGET_FTAS);
  done.set_state(fta::v1::SWEEP_RUN_STATE_COMPLETED);
  ASSERT_TRUE(store_->PutSweepRun("sweep-1", done, {}).ok());

  ASSERT_TRUE(runner().RecoverAfterRestart().ok());
  absl::StatusOr<fta::v1::Sweep> interrupted = store_->GetSweep("sweep-1");
  ASSERT_TRUE(interrupted.ok());
  EXPECT_EQ(interrupted->state(), fta::v1::SWEEP_STATE_INTERRUPTED);
  EXPECT_THAT(interrupted->error(), HasSubstr("ftactl sweep resume sweep-1"));

  absl::StatusOr<hostd::SweepRunner::Started> resumed = runner().Resume("sweep-1");
  ASSERT_TRUE(resumed.ok()) << resumed.status();
  EXPECT_EQ(Finished(resumed->events.get()).state(), fta::v1::SWEEP_STATE_COMPLETED);
  std::vector<fta::v1::RunIorRequest> requests = jobs_.requests();
  ASSERT_EQ(requests.size(), 2u);  // N = 2 and N = 3; N = 1 was done
  EXPECT_EQ(requests[0].on_size(), 2);
  EXPECT_EQ(requests[1].on_size(), 3);
}

}  // namespace
}  // namespace fta::testing
