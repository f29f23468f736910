#include "lib/virt/capacity.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace fta::virt {
namespace {

TEST(CapacityPlannerTest, HostKeepsReservedCoreAndCoresLimit) {
  CapacityPlanner planner({8, 64 * 1024}, {1, 4096}, {1, 2048});
  EXPECT_EQ(planner.MaxGuests(), 7);
  EXPECT_NE(planner.Explanation().find("cores are the limit"), std::string::npos) << planner.Explanation();
}

TEST(CapacityPlannerTest, MemoryLimits) {
  CapacityPlanner planner({16, 16 * 1024}, {1, 4096}, {1, 2048});
  EXPECT_EQ(planner.MaxGuests(), 3);  // (16 - 2) GiB / 4 GiB
  EXPECT_NE(planner.Explanation().find("memory is the limit"), std::string::npos) << planner.Explanation();
}

TEST(CapacityPlannerTest, AskingForMoreIsResourceExhaustedSayingHowManyFit) {
  CapacityPlanner planner({4, 64 * 1024}, {1, 4096}, {1, 2048});
  ASSERT_TRUE(planner.CheckFits(3).ok());
  ASSERT_TRUE(planner.AssignCores("fta-1").ok());
  absl::Status status = planner.CheckFits(3);
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(status.message().find("only 2 more fit"), std::string::npos) << status;
  EXPECT_NE(status.message().find("4 cores - 1 reserved"), std::string::npos) << status;
}

TEST(CapacityPlannerTest, CoresAreDistinctAboveTheReserveAndReused) {
  CapacityPlanner planner({4, 64 * 1024}, {1, 1024}, {1, 0});
  EXPECT_EQ(*planner.AssignCores("fta-1"), std::vector<int>{1});
  EXPECT_EQ(*planner.AssignCores("fta-2"), std::vector<int>{2});
  EXPECT_EQ(*planner.AssignCores("fta-1"), std::vector<int>{1});  // idempotent
  EXPECT_EQ(*planner.AssignCores("fta-3"), std::vector<int>{3});
  EXPECT_EQ(planner.AssignCores("fta-4").status().code(), absl::StatusCode::kResourceExhausted);
  planner.ReleaseCores("fta-2");
  EXPECT_EQ(*planner.AssignCores("fta-4"), std::vector<int>{2});
}

TEST(CapacityPlannerTest, AdoptedGuestsClaimTheirCores) {
  CapacityPlanner planner({4, 64 * 1024}, {1, 1024}, {1, 0});
  EXPECT_TRUE(planner.ClaimCores("fta-5", {2}).ok());
  EXPECT_EQ(planner.ClaimCores("fta-6", {2}).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(planner.ClaimCores("fta-6", {0}).code(), absl::StatusCode::kFailedPrecondition);  // reserved
  EXPECT_EQ(*planner.AssignCores("fta-7"), std::vector<int>{1});
  EXPECT_EQ(*planner.AssignCores("fta-8"), std::vector<int>{3});
}

TEST(CapacityPlannerTest, ReadsProcCpuinfoAndMeminfo) {
  std::string root = std::filesystem::temp_directory_path() / "fta-capacity-proc-XXXXXX";
  ASSERT_NE(mkdtemp(root.data()), nullptr);
  std::ofstream(root + "/cpuinfo") << "processor\t: 0\nmodel name\t: x\n\nprocessor\t: 1\nmodel name\t: x\n";
  std::ofstream(root + "/meminfo") << "MemTotal:       24576000 kB\nMemFree:        1000 kB\n";
  absl::StatusOr<HostResources> host = ReadHostResources(root);
  ASSERT_TRUE(host.ok()) << host.status();
  EXPECT_EQ(host->cores, 2);
  EXPECT_EQ(host->memory_mib, 24000);
  EXPECT_EQ(ReadHostResources(root + "/missing").status().code(), absl::StatusCode::kFailedPrecondition);
  std::filesystem::remove_all(root);
}

}  // namespace
}  // namespace fta::virt
