// numvfs writes and GUID assignment: what was written to which file, and
// that refused input writes nothing.
#include <stdlib.h>

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lib/sriov/configure.h"
#include "lib/sriov/counters.h"
#include "lib/sriov/discovery.h"
#include "lib/sriov/guid.h"
#include "lib/sriov/selector.h"
#include "tests/unit/fake_sysfs.h"
#include "tests/unit/fakes/sysfs_fixture.h"

namespace fta::sriov {
namespace {

using ::testing::ElementsAre;
using testing::FakeKernelSysfs;
using testing::FakeSysfs;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;

using Writes = std::vector<std::pair<std::string, std::string>>;

// What AssignGuids writes for VF `vf` of the single mlx5 (0000:03:00.<vf+1>):
// its node and port GUIDs, between an unbind from mlx5_core and a bind to it
// when `rebind` (the host driver reads them when it binds).
Writes Mlx5GuidWrites(int vf, bool rebind) {
  const std::string address = absl::StrCat("0000:03:00.", vf + 1);
  const std::string sriov = absl::StrCat("bus/pci/devices/0000:03:00.0/sriov/", vf);
  Writes writes;
  if (rebind) writes.emplace_back("bus/pci/drivers/mlx5_core/unbind", address);
  writes.emplace_back(sriov + "/node", absl::StrFormat("02:c9:fa:00:03:00:00:%02x", 2 * vf));
  writes.emplace_back(sriov + "/port", absl::StrFormat("02:c9:fa:00:03:00:00:%02x", 2 * vf + 1));
  if (rebind) writes.emplace_back("bus/pci/drivers/mlx5_core/bind", address);
  return writes;
}

Writes Concat(Writes first, const Writes& second) {
  first.insert(first.end(), second.begin(), second.end());
  return first;
}

class ConfigureTest : public testing::FakeSysfsTest {
 protected:
  // Discovers, resolves `selectors` and sets `num_vfs`.
  absl::StatusOr<std::vector<std::string>> SetVfs(const std::vector<std::string>& selectors, int num_vfs) {
    absl::StatusOr<Inventory> inventory = Discover(*sysfs_);
    if (!inventory.ok()) return inventory.status();
    absl::StatusOr<std::vector<ManagedPf>> managed = ResolveSelectors(selectors, *inventory, *sysfs_);
    if (!managed.ok()) return managed.status();
    return SetNumVfs(*sysfs_, *inventory, *managed, num_vfs, absl::Seconds(5), clock_);
  }

  absl::StatusOr<std::vector<GuidAssignment>> Guids(const std::vector<std::string>& selectors) {
    absl::StatusOr<Inventory> inventory = Discover(*sysfs_);
    if (!inventory.ok()) return inventory.status();
    absl::StatusOr<std::vector<ManagedPf>> managed = ResolveSelectors(selectors, *inventory, *sysfs_);
    if (!managed.ok()) return managed.status();
    return AssignGuids(*sysfs_, *inventory, *managed, 0x02c9fa00);
  }

  int VfCount(const std::string& pf) {
    int count = 0;
    for (const std::string& entry : sysfs_->List("bus/pci/devices/" + pf))
      count += entry.rfind("virtfn", 0) == 0;
    return count;
  }

  RealClock clock_;  // the settle deadline after a numvfs write
};

TEST_F(ConfigureTest, ChangingANonZeroCountWritesZeroFirst) {
  testing::BuildSingleMlx5(*tree_);
  ASSERT_TRUE(SetVfs({"mlx5_0"}, 4).ok());
  EXPECT_THAT(sysfs_->writes(), ElementsAre(Pair("bus/pci/devices/0000:03:00.0/sriov_numvfs", "0"),
                                            Pair("bus/pci/devices/0000:03:00.0/sriov_numvfs", "4")));
  EXPECT_EQ(VfCount("0000:03:00.0"), 4);
  EXPECT_EQ(tree_->ReadFile("bus/pci/devices/0000:03:00.0/sriov_numvfs"), "4");
}

TEST_F(ConfigureTest, FromZeroIsOneWriteAndTheSameCountNone) {
  testing::BuildTwoNumaMlx5(*tree_);
  tree_->SetVfCount("0000:81:00.0", 0);
  ASSERT_TRUE(SetVfs({"0000:81:00.0"}, 8).ok());
  EXPECT_THAT(sysfs_->writes(), ElementsAre(Pair("bus/pci/devices/0000:81:00.0/sriov_numvfs", "8")));
  EXPECT_EQ(VfCount("0000:81:00.0"), 8);
  ASSERT_TRUE(SetVfs({"0000:81:00.0"}, 8).ok());
  EXPECT_EQ(sysfs_->writes().size(), 1u);
}

TEST_F(ConfigureTest, MoreVfsThanTotalIsRefusedBeforeAnyWrite) {
  testing::BuildTwoNumaMlx5(*tree_);
  absl::StatusOr<std::vector<std::string>> result = SetVfs({"mlx5_0", "mlx5_1"}, 9);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(result.status().message()),
              HasSubstr(dir_ + "/bus/pci/devices/0000:03:00.0/sriov_totalvfs is 8"));
  EXPECT_THAT(std::string(result.status().message()), HasSubstr("0000:03:00.0 (mlx5_0)"));
  EXPECT_THAT(sysfs_->writes(), IsEmpty());
}

TEST_F(ConfigureTest, RangeBeyondTheNewCountIsRefused) {
  testing::BuildSingleMlx5(*tree_);
  absl::StatusOr<std::vector<std::string>> result = SetVfs({"mlx5_0#0-5"}, 4);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(result.status().message()), HasSubstr("mlx5_0#0-5"));
  EXPECT_THAT(sysfs_->writes(), IsEmpty());
}

TEST_F(ConfigureTest, AFailedWriteRestoresThePfsAlreadyChanged) {
  testing::BuildTwoNumaMlx5(*tree_);
  sysfs_->FailNextWrite("0000:81:00.0/sriov_numvfs", "Cannot allocate memory");
  absl::StatusOr<std::vector<std::string>> result = SetVfs({"mlx5_0", "mlx5_1"}, 6);
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(std::string(result.status().message()),
              HasSubstr(dir_ + "/bus/pci/devices/0000:81:00.0/sriov_numvfs"));
  EXPECT_THAT(std::string(result.status().message()), HasSubstr("Cannot allocate memory"));
  EXPECT_EQ(VfCount("0000:03:00.0"), 4);
  EXPECT_EQ(VfCount("0000:81:00.0"), 4);
  EXPECT_EQ(tree_->ReadFile("bus/pci/devices/0000:03:00.0/sriov_numvfs"), "4");
}

TEST_F(ConfigureTest, Mlx4NeedsTheModuleParameterAndGetsTheExactLine) {
  testing::BuildMlx4(*tree_);
  absl::StatusOr<std::vector<std::string>> notes = SetVfs({"mlx4_0"}, 8);
  ASSERT_TRUE(notes.ok()) << notes.status();
  ASSERT_EQ(notes->size(), 1u);
  EXPECT_THAT((*notes)[0], HasSubstr("options mlx4_core num_vfs=0000:05:00.0-8 probe_vf=0000:05:00.0-0"));
  EXPECT_THAT((*notes)[0], HasSubstr("0000:05:00.0 (mlx4_0)"));
  EXPECT_THAT(sysfs_->writes(), IsEmpty());
  EXPECT_EQ(Mlx4ModprobeLine("0000:05:00.0", 4),
            "options mlx4_core num_vfs=0000:05:00.0-4 probe_vf=0000:05:00.0-0");
}

TEST_F(ConfigureTest, Mlx5GuidsGoToTheSriovFilesOnceAndAreCheckedForAcceptance) {
  testing::BuildSingleMlx5(*tree_);
  absl::StatusOr<std::vector<GuidAssignment>> guids = Guids({"mlx5_0#0-1"});
  ASSERT_TRUE(guids.ok()) << guids.status();
  ASSERT_EQ(guids->size(), 2u);
  // The VFs are bound to mlx5_core on the host: each is unbound, given its
  // GUIDs and bound again, since the driver reads them when it binds.
  EXPECT_EQ(sysfs_->writes(), Concat(Mlx5GuidWrites(0, true), Mlx5GuidWrites(1, true)));
  EXPECT_EQ(tree_->DriverOf("0000:03:00.1"), "mlx5_core");
  // Unchanged values are not written again, and nothing is rebound.
  ASSERT_TRUE(Guids({"mlx5_0#0-1"}).ok());
  EXPECT_EQ(sysfs_->writes().size(), 8u);

  // The VF's port stays DOWN until the SM accepts; then its IB device shows
  // the node GUID with an ACTIVE port.
  Inventory inventory = *Discover(*sysfs_);
  const PhysicalFunction& pf = inventory.pfs[0];
  EXPECT_EQ(GuidAcceptance(*sysfs_, pf, pf.vfs[0]), "pending");
  EXPECT_EQ(GuidAcceptance(*sysfs_, pf, pf.vfs[5]), "unset");
  tree_->WriteFile("class/infiniband/mlx5_1/node_guid", "02c9:fa00:0300:0000");
  tree_->SetPortState("mlx5_1", 1, "4: ACTIVE");
  inventory = *Discover(*sysfs_);
  EXPECT_EQ(GuidAcceptance(*sysfs_, inventory.pfs[0], inventory.pfs[0].vfs[0]), "accepted");
}

TEST_F(ConfigureTest, Mlx5VfOfAGuestIsNotUnboundAndAFailedWriteStillRebinds) {
  testing::BuildSingleMlx5(*tree_);
  tree_->Bind("0000:03:00.1", "vfio-pci");  // passed through to a running guest
  sysfs_->FailNextWrite("sriov/1/port", "Invalid argument");
  absl::Status failed = Guids({"mlx5_0#0-1"}).status();
  EXPECT_THAT(std::string(failed.message()), HasSubstr("sriov/1/port"));
  // VF 0 is the guest's: its GUIDs are written without unbinding it.
  EXPECT_EQ(sysfs_->writes(), Concat(Mlx5GuidWrites(0, false), Mlx5GuidWrites(1, true)));
  EXPECT_EQ(tree_->DriverOf("0000:03:00.1"), "vfio-pci");
  EXPECT_EQ(tree_->DriverOf("0000:03:00.2"), "mlx5_core");
}

TEST_F(ConfigureTest, Mlx4GuidsGoToAdminGuidsAtTheVfsIndex) {
  testing::BuildMlx4(*tree_);
  absl::StatusOr<std::vector<GuidAssignment>> guids = Guids({"mlx4_0"});
  ASSERT_TRUE(guids.ok()) << guids.status();
  ASSERT_EQ(guids->size(), 4u);
  ASSERT_EQ(sysfs_->writes().size(), 4u);
  EXPECT_THAT(sysfs_->writes()[0],
              Pair("class/infiniband/mlx4_0/iov/ports/1/admin_guids/1", "0x02c9fa0005000001"));
  EXPECT_THAT(sysfs_->writes()[3],
              Pair("class/infiniband/mlx4_0/iov/ports/1/admin_guids/4", "0x02c9fa0005000007"));
  Inventory inventory = *Discover(*sysfs_);
  const PhysicalFunction& pf = inventory.pfs[0];
  EXPECT_EQ(GuidAcceptance(*sysfs_, pf, pf.vfs[0]), "pending");
  // The SM accepted: the live table shows the requested GUID.
  tree_->WriteFile("class/infiniband/mlx4_0/iov/ports/1/gids/1", "0x02c9fa0005000001");
  inventory = *Discover(*sysfs_);
  EXPECT_EQ(GuidAcceptance(*sysfs_, inventory.pfs[0], inventory.pfs[0].vfs[0]), "accepted");
  EXPECT_EQ(GuidAcceptance(*sysfs_, inventory.pfs[0], inventory.pfs[0].vfs[1]), "pending");
}

TEST_F(ConfigureTest, MissingGuidInterfaceNamesTheFile) {
  testing::BuildSingleMlx5(*tree_);
  std::filesystem::remove_all(dir_ + "/devices/pci0000:00/0000:03:00.0/sriov/2");
  absl::StatusOr<std::vector<GuidAssignment>> guids = Guids({"mlx5_0"});
  EXPECT_EQ(guids.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(guids.status().message()),
              HasSubstr(dir_ + "/bus/pci/devices/0000:03:00.0/sriov/2/node"));
  EXPECT_THAT(sysfs_->writes(), IsEmpty());
}

TEST(CountersTest, UtilisationIsTheBusierDirectionOverThePortRate) {
  PortTraffic before{1000, 0, 0};
  // 1.25 GB sent in one second on a 100 Gb/s port: 10 %.
  PortTraffic after{1000 + 1'250'000'000, 10, 1'000'000'000};
  EXPECT_NEAR(UtilisationPercent(before, after, 100), 10.0, 1e-9);
  EXPECT_EQ(UtilisationPercent(before, before, 100), 0);
  EXPECT_EQ(UtilisationPercent(before, after, 0), 0);
  PortTraffic reset{0, 0, 2'000'000'000};
  EXPECT_EQ(UtilisationPercent(after, reset, 100), 0);
}

TEST_F(ConfigureTest, PortCountersAreReadInBytes) {
  testing::BuildSingleMlx5(*tree_);
  RealClock clock;
  absl::StatusOr<PortTraffic> traffic = ReadPortTraffic(*sysfs_, "mlx5_0", 1, clock);
  ASSERT_TRUE(traffic.ok()) << traffic.status();
  EXPECT_EQ(traffic->xmit_bytes, 4000);
  EXPECT_EQ(traffic->rcv_bytes, 8000);
  absl::StatusOr<PortTraffic> missing = ReadPortTraffic(*sysfs_, "mlx5_0", 2, clock);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(missing.status().message()), HasSubstr("ports/2/counters/port_xmit_data"));
}

TEST_F(ConfigureTest, Mlx4SixtyFourBitCountersArePreferredAndSaturationIsSeen) {
  testing::BuildSingleMlx5(*tree_);
  RealClock clock;
  const std::string port = "class/infiniband/mlx5_0/ports/1/";
  tree_->WriteFile(port + "counters/port_xmit_data", "4294967295");
  absl::StatusOr<PortTraffic> stuck = ReadPortTraffic(*sysfs_, "mlx5_0", 1, clock);
  ASSERT_TRUE(stuck.ok()) << stuck.status();
  EXPECT_TRUE(stuck->saturated);
  tree_->WriteFile(port + "counters_ext/port_xmit_data_64", "8589934592");
  tree_->WriteFile(port + "counters_ext/port_rcv_data_64", "3");
  absl::StatusOr<PortTraffic> wide = ReadPortTraffic(*sysfs_, "mlx5_0", 1, clock);
  ASSERT_TRUE(wide.ok()) << wide.status();
  EXPECT_FALSE(wide->saturated);
  EXPECT_EQ(wide->xmit_bytes, 8589934592ll * 4);
  EXPECT_EQ(wide->rcv_bytes, 12);
}

}  // namespace
}  // namespace fta::sriov
