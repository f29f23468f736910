// VfPool: allocation never hands a VF out twice, prefers healthy ports and
// the wanted NUMA node, skips VFs it cannot pass through, and refuses bad
// configuration before touching sysfs.
#include <stdlib.h>

#include <filesystem>
#include <set>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lib/sriov/vf_pool.h"
#include "tests/unit/fake_sysfs.h"
#include "tests/unit/fakes/sysfs_fixture.h"

namespace fta::sriov {
namespace {

using testing::FakeKernelSysfs;
using testing::FakeSysfs;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class VfPoolTest : public testing::FakeSysfsTest {
 protected:
  std::unique_ptr<VfPool> MustCreate(VfPool::Options options = {}) {
    options.clock = &clock_;
    absl::StatusOr<std::unique_ptr<VfPool>> pool = VfPool::Create(sysfs_.get(), options, &notes_);
    EXPECT_TRUE(pool.ok()) << pool.status();
    return pool.ok() ? std::move(*pool) : nullptr;
  }

  std::vector<std::string> notes_;
  RealClock clock_;  // the settle deadline after a numvfs write
};

TEST_F(VfPoolTest, HandsOutEachVfOnceAndTakesItBack) {
  testing::BuildSingleMlx5(*tree_);
  std::unique_ptr<VfPool> pool = MustCreate();
  ASSERT_NE(pool, nullptr);
  EXPECT_EQ(pool->ManagedCount(), 8);
  std::set<std::string> handed;
  for (int i = 0; i < 8; ++i) {
    absl::StatusOr<std::string> vf = pool->Allocate("fta-" + std::to_string(i));
    ASSERT_TRUE(vf.ok()) << vf.status();
    EXPECT_TRUE(handed.insert(*vf).second) << *vf << " handed out twice";
  }
  absl::StatusOr<std::string> ninth = pool->Allocate("fta-8");
  EXPECT_EQ(ninth.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(ninth.status().message()), HasSubstr("8 managed"));
  EXPECT_THAT(std::string(ninth.status().message()), HasSubstr("8 in use"));

  EXPECT_EQ(pool->Release("0000:03:00.4", "fta-5").code(), absl::StatusCode::kFailedPrecondition);
  std::string held_by_3 = pool->Owners().begin()->first;
  for (const auto& [vf, owner] : pool->Owners()) {
    if (owner == "fta-3") held_by_3 = vf;
  }
  ASSERT_TRUE(pool->Release(held_by_3, "fta-3").ok());
  EXPECT_EQ(pool->Release(held_by_3, "fta-3").code(), absl::StatusCode::kNotFound);
  absl::StatusOr<std::string> again = pool->Allocate("fta-9");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, held_by_3);
}

TEST_F(VfPoolTest, AnOwnerHoldsOneVf) {
  testing::BuildSingleMlx5(*tree_);
  std::unique_ptr<VfPool> pool = MustCreate();
  ASSERT_TRUE(pool->Allocate("fta-1").ok());
  EXPECT_EQ(pool->Allocate("fta-1").status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(VfPoolTest, SkipsSharedIommuGroupsAndVfsOfOtherDrivers) {
  testing::BuildSingleMlx5(*tree_);
  tree_->Bind("0000:03:00.2", "pci-stub");
  tree_->AddPlainDevice("0000:01:00.0", "nvme", tree_->IommuGroupOf("0000:03:00.3"));
  tree_->Bind("0000:03:00.4", "vfio-pci");  // passthrough-ready: fine
  std::unique_ptr<VfPool> pool = MustCreate();
  std::set<std::string> handed;
  for (int i = 0; i < 6; ++i) {
    absl::StatusOr<std::string> vf = pool->Allocate("fta-" + std::to_string(i));
    ASSERT_TRUE(vf.ok()) << vf.status();
    handed.insert(*vf);
  }
  EXPECT_EQ(handed.count("0000:03:00.2"), 0u);
  EXPECT_EQ(handed.count("0000:03:00.3"), 0u);
  EXPECT_EQ(handed.count("0000:03:00.4"), 1u);
  absl::StatusOr<std::string> none = pool->Allocate("fta-7");
  EXPECT_EQ(none.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(std::string(none.status().message()), HasSubstr("bound to pci-stub"));
  EXPECT_THAT(std::string(none.status().message()), HasSubstr("IOMMU group"));

  absl::StatusOr<std::unique_ptr<VfPool::Snapshot>> snapshot = pool->Describe();
  ASSERT_TRUE(snapshot.ok());
  EXPECT_EQ((*snapshot)->managed, 8);
  EXPECT_EQ((*snapshot)->used, 6);
  EXPECT_EQ((*snapshot)->free, 0);
  EXPECT_EQ((*snapshot)->unusable, 2);
  for (const VfPool::VfView& view : (*snapshot)->vfs) {
    if (view.vf->pci.address == "0000:03:00.3") {
      EXPECT_THAT(view.unusable, HasSubstr("0000:01:00.0"));
    }
  }
}

TEST_F(VfPoolTest, PrefersHealthyPortsThenTheWantedNumaNodeThenSpreads) {
  testing::BuildTwoNumaMlx5(*tree_);
  {
    std::unique_ptr<VfPool> pool = MustCreate();
    absl::StatusOr<std::string> on_node_1 = pool->Allocate("fta-1", /*preferred_numa_node=*/1);
    ASSERT_TRUE(on_node_1.ok());
    EXPECT_EQ(on_node_1->substr(0, 8), "0000:81:");
    // No preference: the PF with fewer VFs in use.
    absl::StatusOr<std::string> spread = pool->Allocate("fta-2");
    ASSERT_TRUE(spread.ok());
    EXPECT_EQ(spread->substr(0, 8), "0000:03:");
    // One in use on each: the tie goes to the lower address.
    absl::StatusOr<std::string> next = pool->Allocate("fta-3");
    ASSERT_TRUE(next.ok());
    EXPECT_EQ(next->substr(0, 8), "0000:03:");
  }
  tree_->SetPortState("mlx5_1", 1, "1: DOWN");
  std::unique_ptr<VfPool> pool = MustCreate();
  // Node 1's PF has its port down: healthy VFs on node 0 come first, even
  // against the NUMA preference, until they run out.
  for (int i = 0; i < 4; ++i) {
    absl::StatusOr<std::string> vf = pool->Allocate("fta-" + std::to_string(i), 1);
    ASSERT_TRUE(vf.ok());
    EXPECT_EQ(vf->substr(0, 8), "0000:03:") << i;
  }
  absl::StatusOr<std::string> down = pool->Allocate("fta-9", 1);
  ASSERT_TRUE(down.ok());
  EXPECT_EQ(down->substr(0, 8), "0000:81:");
}

TEST_F(VfPoolTest, VfRangesLimitWhatIsManagedButListingShowsAll) {
  testing::BuildSingleMlx5(*tree_);
  VfPool::Options options;
  options.pfs = {"mlx5_0#0-1"};
  std::unique_ptr<VfPool> pool = MustCreate(options);
  EXPECT_EQ(pool->ManagedCount(), 2);
  ASSERT_TRUE(pool->Allocate("fta-1").ok());
  ASSERT_TRUE(pool->Allocate("fta-2").ok());
  EXPECT_EQ(pool->Allocate("fta-3").status().code(), absl::StatusCode::kResourceExhausted);
  absl::StatusOr<std::unique_ptr<VfPool::Snapshot>> snapshot = pool->Describe();
  ASSERT_TRUE(snapshot.ok());
  ASSERT_EQ((*snapshot)->vfs.size(), 8u);
  EXPECT_TRUE((*snapshot)->vfs[1].managed);
  EXPECT_FALSE((*snapshot)->vfs[2].managed);
}

TEST_F(VfPoolTest, AVanishedVfIsNeverHandedOutAndCannotBeRestored) {
  testing::BuildSingleMlx5(*tree_);
  VfPool::Options options;
  options.pfs = {"mlx5_0#0-1"};
  std::unique_ptr<VfPool> pool = MustCreate(options);
  ASSERT_TRUE(pool->Restore("0000:03:00.1", "fta-1").ok());
  EXPECT_EQ(pool->Restore("0000:03:00.1", "fta-2").code(), absl::StatusCode::kFailedPrecondition);
  tree_->RemoveFunction("0000:03:00.2");
  absl::StatusOr<std::string> none = pool->Allocate("fta-2");
  EXPECT_EQ(none.status().code(), absl::StatusCode::kResourceExhausted);
  absl::Status gone = pool->Restore("0000:03:00.2", "fta-3");
  EXPECT_EQ(gone.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(gone.message()), HasSubstr(dir_ + "/bus/pci/devices/0000:03:00.2/physfn"));
  // A held VF that vanishes is reported as such.
  tree_->RemoveFunction("0000:03:00.1");
  absl::StatusOr<std::unique_ptr<VfPool::Snapshot>> snapshot = pool->Describe();
  ASSERT_TRUE(snapshot.ok());
  EXPECT_THAT((*snapshot)->vanished,
              ::testing::ElementsAre("0000:03:00.1 (held by fta-1)", "0000:03:00.2 (held by fta-3)"));
  // A vanished VF stays its owner's should it come back.
  EXPECT_EQ(pool->Owners()["0000:03:00.2"], "fta-3");
}

TEST_F(VfPoolTest, ConfigurationSetsNumVfsAndGuids) {
  testing::BuildTwoNumaMlx5(*tree_);
  VfPool::Options options;
  options.pfs = {"mlx5_0", "ib1#0-1"};
  options.num_vfs = 6;
  options.guid_prefix = "02:c9:fa:00";
  std::unique_ptr<VfPool> pool = MustCreate(options);
  ASSERT_NE(pool, nullptr);
  EXPECT_EQ(pool->ManagedCount(), 8);  // 6 on mlx5_0, VFs 0-1 of mlx5_1
  EXPECT_EQ(tree_->ReadFile("bus/pci/devices/0000:03:00.0/sriov_numvfs"), "6");
  EXPECT_EQ(tree_->ReadFile("bus/pci/devices/0000:81:00.0/sriov_numvfs"), "6");
  EXPECT_EQ(tree_->ReadFile("bus/pci/devices/0000:03:00.0/sriov/5/node"), "02:c9:fa:00:03:00:00:0a");
  EXPECT_EQ(tree_->ReadFile("bus/pci/devices/0000:81:00.0/sriov/1/port"), "02:c9:fa:00:81:00:00:03");
  // VF 2 of mlx5_1 is not managed: its GUID is left alone.
  EXPECT_EQ(tree_->ReadFile("bus/pci/devices/0000:81:00.0/sriov/2/node"), "00:00:00:00:00:00:00:00");
}

TEST_F(VfPoolTest, BadConfigurationChangesNothing) {
  testing::BuildSingleMlx5(*tree_);
  struct Case {
    VfPool::Options options;
    absl::StatusCode code;
    std::string message;
  };
  std::vector<Case> cases = {
      {{{"mlx5_17"}, 4, "02:c9:fa:00", {}}, absl::StatusCode::kNotFound, dir_ + "/class/infiniband/mlx5_17"},
      {{{"mlx5_0"}, 16, "02:c9:fa:00", {}}, absl::StatusCode::kInvalidArgument, "sriov_totalvfs is 8"},
      {{{"mlx5_0"}, 4, "02:c9", {}}, absl::StatusCode::kInvalidArgument, "sriov.guid_prefix"},
      {{{}, 4, "", {}}, absl::StatusCode::kInvalidArgument, "sriov.num_vfs"},
      {{{"mlx5_0"}, 4, "02:c9:fa:00", {"0x8001", "oops"}}, absl::StatusCode::kInvalidArgument, "sriov.pkeys[1]"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> notes;
    VfPool::Options options = c.options;
    options.clock = &clock_;
    absl::StatusOr<std::unique_ptr<VfPool>> pool = VfPool::Create(sysfs_.get(), options, &notes);
    EXPECT_EQ(pool.status().code(), c.code) << pool.status();
    EXPECT_THAT(std::string(pool.status().message()), HasSubstr(c.message));
  }
  EXPECT_THAT(sysfs_->writes(), IsEmpty());
  EXPECT_EQ(tree_->ReadFile("bus/pci/devices/0000:03:00.0/sriov_numvfs"), "8");
}

TEST_F(VfPoolTest, MalformedPfIsReportedNotManaged) {
  testing::BuildTwoNumaMlx5(*tree_);
  tree_->WriteFile("bus/pci/devices/0000:81:00.0/sriov_numvfs", "four");
  std::unique_ptr<VfPool> pool = MustCreate();
  ASSERT_NE(pool, nullptr);
  EXPECT_EQ(pool->ManagedCount(), 4);
  ASSERT_EQ(notes_.size(), 1u);
  EXPECT_THAT(notes_[0], HasSubstr(dir_ + "/bus/pci/devices/0000:81:00.0/sriov_numvfs"));
}

TEST_F(VfPoolTest, Mlx4PoolHandsOutItsFourVfs) {
  testing::BuildMlx4(*tree_);
  std::unique_ptr<VfPool> pool = MustCreate();
  ASSERT_EQ(pool->ManagedCount(), 4);
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(pool->Allocate("fta-" + std::to_string(i)).ok());
  EXPECT_FALSE(pool->Allocate("fta-4").ok());
}

}  // namespace
}  // namespace fta::sriov
