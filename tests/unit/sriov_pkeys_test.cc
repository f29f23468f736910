// P_Key membership (sriov.pkeys): parsing, mlx4's virtual-to-physical index
// writes (what was written to which file), refusals that write nothing, and
// mlx5's check-only path.
#include <stdlib.h>

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lib/sriov/discovery.h"
#include "lib/sriov/pkeys.h"
#include "lib/sriov/selector.h"
#include "tests/unit/fake_sysfs.h"
#include "tests/unit/fakes/sysfs_fixture.h"

namespace fta::sriov {
namespace {

using testing::FakeKernelSysfs;
using testing::FakeSysfs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::SizeIs;

class PkeysTest : public testing::FakeSysfsTest {
 protected:
  absl::StatusOr<std::vector<std::string>> Assign(const std::vector<std::string>& selectors,
                                                  const std::vector<uint16_t>& pkeys) {
    absl::StatusOr<Inventory> inventory = Discover(*sysfs_);
    if (!inventory.ok()) return inventory.status();
    absl::StatusOr<std::vector<ManagedPf>> managed = ResolveSelectors(selectors, *inventory, *sysfs_);
    if (!managed.ok()) return managed.status();
    return AssignPkeys(*sysfs_, *inventory, *managed, pkeys);
  }

  // mlx4_0's physical (paravirtualised) table entry m.
  void SetPhysical(int m, const std::string& pkey) {
    tree_->WriteFile(absl::StrCat("class/infiniband/mlx4_0/iov/ports/1/pkeys/", m), pkey);
  }

  static std::string PkeyIndexFile(const std::string& vf, int n) {
    return absl::StrCat("class/infiniband/mlx4_0/iov/", vf, "/ports/1/pkey_idx/", n);
  }

};

TEST(ParsePkeysTest, HexWithOrWithoutPrefix) {
  absl::StatusOr<std::vector<uint16_t>> pkeys = ParsePkeys({"0x8001", "7fff", " 0X0002 "});
  ASSERT_TRUE(pkeys.ok()) << pkeys.status();
  EXPECT_THAT(*pkeys, ElementsAre(0x8001, 0x7fff, 0x0002));
  EXPECT_EQ(FormatPkey(0x8001), "0x8001");
  EXPECT_EQ(FormatPkey(2), "0x0002");
}

TEST(ParsePkeysTest, ErrorsNameTheEntry) {
  EXPECT_THAT(std::string(ParsePkeys({"0x8001", "fast"}).status().message()),
              HasSubstr("sriov.pkeys[1]: \"fast\" is not a 16-bit hex P_Key"));
  EXPECT_THAT(std::string(ParsePkeys({"0x18001"}).status().message()), HasSubstr("sriov.pkeys[0]"));
  EXPECT_THAT(std::string(ParsePkeys({"0x8000"}).status().message()), HasSubstr("invalid P_Key"));
  EXPECT_THAT(std::string(ParsePkeys({"0x0000"}).status().message()), HasSubstr("invalid P_Key"));
  // Full and limited membership of one partition cannot both be asked for.
  absl::Status twice = ParsePkeys({"0x8001", "0x0001"}).status();
  EXPECT_EQ(twice.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(twice.message()), HasSubstr("sriov.pkeys[1]: partition 0x0001 is already listed at "
                                                      "sriov.pkeys[0]"));
}

TEST_F(PkeysTest, Mlx4VirtualIndicesPointAtTheConfiguredKeys) {
  testing::BuildMlx4(*tree_);
  SetPhysical(3, "0x8001");
  SetPhysical(5, "0x0002");
  absl::StatusOr<std::vector<std::string>> notes = Assign({"mlx4_0"}, {0x8001, 0x0002});
  ASSERT_TRUE(notes.ok()) << notes.status();
  EXPECT_THAT(*notes, ElementsAre("P_Keys 0x8001, 0x0002 on mlx4_0: 4 VF(s), 8 index(es) changed"));
  const std::string first_vf = FakeSysfs::VfAddress("0000:05:00.0", 0);
  ASSERT_THAT(sysfs_->writes(), SizeIs(8));
  EXPECT_THAT(sysfs_->writes()[0], Pair(PkeyIndexFile(first_vf, 0), "3"));
  EXPECT_THAT(sysfs_->writes()[1], Pair(PkeyIndexFile(first_vf, 1), "5"));

  // Already so: nothing is written again.
  absl::StatusOr<std::vector<std::string>> again = Assign({"mlx4_0"}, {0x8001, 0x0002});
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_THAT(*again, ElementsAre(HasSubstr("0 index(es) changed")));
  EXPECT_THAT(sysfs_->writes(), SizeIs(8));
}

TEST_F(PkeysTest, Mlx4KeyMissingFromThePortIsRefusedBeforeAnyWrite) {
  testing::BuildMlx4(*tree_);
  SetPhysical(3, "0x8001");
  absl::Status missing = Assign({"mlx4_0"}, {0x8001, 0x8004}).status();
  EXPECT_EQ(missing.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(missing.message()), HasSubstr("0x8004 is not in mlx4_0 port 1's P_Key table"));
  EXPECT_THAT(std::string(missing.message()), HasSubstr(dir_ + "/class/infiniband/mlx4_0/iov/ports/1/pkeys/0..126"));
  EXPECT_THAT(std::string(missing.message()), HasSubstr("partitions.conf"));
  EXPECT_THAT(sysfs_->writes(), IsEmpty());
}

TEST_F(PkeysTest, Mlx4WrongMembershipIsNamed) {
  testing::BuildMlx4(*tree_);
  SetPhysical(7, "0x0002");  // the SM made the port a limited member
  absl::Status status = Assign({"mlx4_0"}, {0x8002}).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(status.message()), HasSubstr("limited member of partition 0x0002"));
  EXPECT_THAT(std::string(status.message()), HasSubstr("pkeys/7"));
  EXPECT_THAT(sysfs_->writes(), IsEmpty());
}

TEST_F(PkeysTest, Mlx4VfRangeLimitsTheWrites) {
  testing::BuildMlx4(*tree_);
  SetPhysical(3, "0x8001");
  absl::StatusOr<std::vector<std::string>> notes = Assign({"mlx4_0#1"}, {0x8001});
  ASSERT_TRUE(notes.ok()) << notes.status();
  EXPECT_THAT(sysfs_->writes(),
              ElementsAre(Pair(PkeyIndexFile(FakeSysfs::VfAddress("0000:05:00.0", 1), 0), "3")));
}

TEST_F(PkeysTest, Mlx5IsCheckedNotWritten) {
  testing::BuildSingleMlx5(*tree_);  // VFs bound on the host: mlx5_1..mlx5_8, P_Key 0xffff
  tree_->WriteFile("class/infiniband/mlx5_3/ports/1/pkeys/1", "0x8001");
  absl::StatusOr<std::vector<std::string>> notes = Assign({"mlx5_0"}, {0xffff, 0x8001});
  ASSERT_TRUE(notes.ok()) << notes.status();
  ASSERT_THAT(*notes, SizeIs(1));
  EXPECT_THAT((*notes)[0], HasSubstr("mlx5_0: VF P_Keys come from the subnet manager"));
  EXPECT_THAT((*notes)[0], HasSubstr("1 VF(s) have all configured P_Keys, 7 lack some, 0 not bound"));
  EXPECT_THAT((*notes)[0], HasSubstr("lacks 0x8001"));
  EXPECT_THAT(sysfs_->writes(), IsEmpty());
}

TEST_F(PkeysTest, NoPkeysConfiguredDoesNothing) {
  testing::BuildMlx4(*tree_);
  absl::StatusOr<std::vector<std::string>> notes = Assign({"mlx4_0"}, {});
  ASSERT_TRUE(notes.ok()) << notes.status();
  EXPECT_THAT(*notes, IsEmpty());
  EXPECT_THAT(sysfs_->writes(), IsEmpty());
}

}  // namespace
}  // namespace fta::sriov
