// What a sweep runs, in which order and on how many FTAs, against a fake
// fleet and fake jobs: the plan's order, resizing the fleet between steps,
// the native baseline, and the stored runs and points.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/fakes/sweep_fixture.h"

namespace fta::testing {
namespace {

using ::testing::ElementsAre;

std::vector<std::string> Targets(const fta::v1::RunIorRequest& request) {
  return std::vector<std::string>(request.on().begin(), request.on().end());
}

using SweepExecutionTest = SweepFixture;

TEST_F(SweepExecutionTest, StepsRunInPlanOrderWithTheNativeBaselineFirst) {
  absl::StatusOr<hostd::SweepRunner::Started> started = runner().Start(Spec({1, 2}, /*native=*/true));
  ASSERT_TRUE(started.ok()) << started.status();
  fta::v1::Sweep sweep = Finished(started->events.get());
  EXPECT_EQ(sweep.state(), fta::v1::SWEEP_STATE_COMPLETED);
  std::vector<fta::v1::RunIorRequest> requests = jobs_.requests();
  ASSERT_EQ(requests.size(), 4u);
  EXPECT_THAT(Targets(requests[0]), ElementsAre("native"));
  EXPECT_EQ(requests[0].spec().ranks_per_fta(), 1);
  EXPECT_THAT(Targets(requests[1]), ElementsAre("fta-1"));
  EXPECT_THAT(Targets(requests[2]), ElementsAre("fta-1", "fta-2"));
  EXPECT_THAT(Targets(requests[3]), ElementsAre("native"));
  EXPECT_EQ(requests[3].spec().ranks_per_fta(), 2);
  for (const auto& request : requests) {
    EXPECT_EQ(request.spec().transfer_size(), "4k");
    EXPECT_TRUE(request.spec().write() && request.spec().read());
  }
}

TEST_F(SweepExecutionTest, TheFleetIsResizedToEachStepsCount) {
  for (const char* id : {"fta-1", "fta-2", "fta-3"}) fleet_.AddReady(id);
  absl::StatusOr<hostd::SweepRunner::Started> started = runner().Start(Spec({1, 2, 4}));
  ASSERT_TRUE(started.ok()) << started.status();
  EXPECT_EQ(Finished(started->events.get()).state(), fta::v1::SWEEP_STATE_COMPLETED);
  EXPECT_THAT(fleet_.calls(), ElementsAre("release fta-2,fta-3", "allocate 1", "allocate 2"));
  std::vector<fta::v1::RunIorRequest> requests = jobs_.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_THAT(Targets(requests[0]), ElementsAre("fta-1"));
  EXPECT_THAT(Targets(requests[1]), ElementsAre("fta-1", "fta-4"));
  EXPECT_THAT(Targets(requests[2]), ElementsAre("fta-1", "fta-4", "fta-5", "fta-6"));
}

TEST_F(SweepExecutionTest, EveryRunIsStoredWithItsBandwidths) {
  absl::StatusOr<hostd::SweepRunner::Started> started = runner().Start(Spec({1, 2}));
  ASSERT_TRUE(started.ok()) << started.status();
  Finished(started->events.get());
  absl::StatusOr<fta::v1::Sweep> stored = store_->GetSweep(started->sweep.id());
  ASSERT_TRUE(stored.ok()) << stored.status();
  ASSERT_EQ(stored->runs_size(), 2);
  EXPECT_EQ(stored->runs(0).state(), fta::v1::SWEEP_RUN_STATE_COMPLETED);
  EXPECT_DOUBLE_EQ(stored->runs(0).write_mib(), 100);
  EXPECT_DOUBLE_EQ(stored->runs(1).read_mib(), 200);
  EXPECT_EQ(stored->runs(1).job_id(), "job-2");
}

TEST_F(SweepExecutionTest, ASpecAboveTheHostsCapacityIsRefused) {
  fleet_.set_max_ftas(2);
  absl::StatusOr<hostd::SweepRunner::Started> started = runner().Start(Spec({1, 4}));
  EXPECT_EQ(started.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(jobs_.requests().empty());
}

}  // namespace
}  // namespace fta::testing
