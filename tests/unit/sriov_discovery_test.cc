// Discovery and selectors over fake sysfs trees in the kernel's layout.
#include <stdlib.h>

#include <filesystem>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lib/sriov/discovery.h"
#include "lib/sriov/guid.h"
#include "lib/sriov/selector.h"
#include "tests/unit/fake_sysfs.h"
#include "tests/unit/fakes/sysfs_fixture.h"

namespace fta::sriov {
namespace {

using ::testing::ElementsAre;
using testing::FakeSysfs;
using ::testing::HasSubstr;

class SriovTreeTest : public testing::FakeSysfsTest {
 protected:
  Inventory MustDiscover() {
    SysfsRoot sysfs(dir_);
    absl::StatusOr<Inventory> inventory = Discover(sysfs);
    EXPECT_TRUE(inventory.ok()) << inventory.status();
    return inventory.ok() ? *inventory : Inventory{};
  }
  // The one PF the tree holds (a test failure and an empty PF otherwise).
  PhysicalFunction OnlyPf() {
    Inventory inventory = MustDiscover();
    EXPECT_EQ(inventory.pfs.size(), 1u);
    return inventory.pfs.size() == 1 ? inventory.pfs[0] : PhysicalFunction{};
  }
};

TEST_F(SriovTreeTest, EmptyRootHasNoPhysicalFunctions) {
  EXPECT_TRUE(MustDiscover().pfs.empty());
  SysfsRoot missing(dir_ + "/does-not-exist");
  absl::StatusOr<Inventory> inventory = Discover(missing);
  ASSERT_TRUE(inventory.ok());
  EXPECT_TRUE(inventory->pfs.empty());
}

TEST_F(SriovTreeTest, FindsAnMlx5PfWithEightVfsAndEveryAttribute) {
  testing::BuildSingleMlx5(*tree_);
  tree_->AddPlainDevice("0000:01:00.0", "nvme");
  const PhysicalFunction pf = OnlyPf();
  ASSERT_FALSE(HasFailure());
  EXPECT_EQ(pf.error, "");
  EXPECT_EQ(pf.pci.address, "0000:03:00.0");
  EXPECT_EQ(pf.pci.path, "devices/pci0000:00/0000:03:00.0");
  EXPECT_EQ(pf.family, Family::kMlx5);
  EXPECT_EQ(pf.pci.vendor, 0x15b3);
  EXPECT_EQ(pf.pci.device, 0x1017);
  EXPECT_EQ(pf.pci.driver, "mlx5_core");
  EXPECT_EQ(pf.total_vfs, 8);
  EXPECT_EQ(pf.num_vfs, 8);
  EXPECT_EQ(pf.pci.numa_node, 0);
  EXPECT_GE(pf.pci.iommu_group, 0);
  EXPECT_TRUE(pf.pci.iommu_peers.empty());
  EXPECT_THAT(pf.pci.netdevs, ElementsAre("ib0"));
  ASSERT_TRUE(pf.pci.ib.has_value());
  EXPECT_EQ(pf.pci.ib->name, "mlx5_0");
  ASSERT_EQ(pf.pci.ib->ports.size(), 1u);
  const IbPort& port = pf.pci.ib->ports[0];
  EXPECT_EQ(port.state, "ACTIVE");
  EXPECT_EQ(port.phys_state, "LinkUp");
  EXPECT_EQ(port.rate, "100 Gb/sec (4X EDR)");
  EXPECT_DOUBLE_EQ(port.rate_gbps, 100);
  EXPECT_EQ(port.link_layer, "InfiniBand");
  EXPECT_EQ(port.lid, 0x12);
  EXPECT_EQ(port.xmit_bytes, 4000);  // 1000 words of 4 bytes
  EXPECT_EQ(port.rcv_bytes, 8000);
  EXPECT_FALSE(port.port_guid.empty());

  ASSERT_EQ(pf.vfs.size(), 8u);
  std::vector<std::string> addresses;
  for (const VirtualFunction& vf : pf.vfs) addresses.push_back(vf.pci.address);
  EXPECT_THAT(addresses, ElementsAre("0000:03:00.1", "0000:03:00.2", "0000:03:00.3", "0000:03:00.4",
                                     "0000:03:00.5", "0000:03:00.6", "0000:03:00.7", "0000:03:01.0"));
  const VirtualFunction& vf = pf.vfs[3];
  EXPECT_EQ(vf.index, 3);
  EXPECT_EQ(vf.pf_address, "0000:03:00.0");
  EXPECT_EQ(vf.pci.device, 0x1018);
  EXPECT_EQ(vf.pci.driver, "mlx5_core");
  EXPECT_EQ(vf.pci.numa_node, 0);
  EXPECT_NE(vf.pci.iommu_group, pf.pci.iommu_group);
  ASSERT_TRUE(vf.pci.ib.has_value());
  EXPECT_EQ(vf.pci.ib->name, "mlx5_4");
  EXPECT_EQ(vf.pci.ib->ports[0].state, "DOWN");
  EXPECT_EQ(vf.node_guid, "");  // 00:..:00 in sriov/3/node: never set
}

TEST_F(SriovTreeTest, TwoPfsOnTwoNumaNodes) {
  testing::BuildTwoNumaMlx5(*tree_);
  Inventory inventory = MustDiscover();
  ASSERT_EQ(inventory.pfs.size(), 2u);
  EXPECT_EQ(inventory.pfs[0].pci.numa_node, 0);
  EXPECT_EQ(inventory.pfs[1].pci.numa_node, 1);
  EXPECT_EQ(inventory.pfs[1].vfs.size(), 4u);
  EXPECT_EQ(inventory.pfs[1].vfs[0].pci.numa_node, 1);
  EXPECT_EQ(inventory.pfs[1].vfs[0].pci.driver, "");  // unbound
  auto [pf, vf] = inventory.FindVf("0000:81:00.2");
  ASSERT_NE(vf, nullptr);
  EXPECT_EQ(pf->pci.ib->name, "mlx5_1");
  EXPECT_EQ(vf->index, 1);
}

TEST_F(SriovTreeTest, ConnectX3ReadsModuleParametersAndIovTables) {
  testing::BuildMlx4(*tree_);
  tree_->WriteFile("class/infiniband/mlx4_0/iov/ports/1/admin_guids/2", "0x02c9fa0005000004");
  const PhysicalFunction pf = OnlyPf();
  ASSERT_FALSE(HasFailure());
  EXPECT_EQ(pf.family, Family::kMlx4);
  EXPECT_EQ(pf.pci.driver, "mlx4_core");
  EXPECT_EQ(pf.num_vfs, 4);
  EXPECT_EQ(pf.pci.ib->ports[0].rate_gbps, 56);
  ASSERT_TRUE(pf.mlx4.has_value());
  EXPECT_EQ(pf.mlx4->num_vfs, "4");
  EXPECT_EQ(pf.mlx4->probe_vf, "0");
  EXPECT_EQ(pf.mlx4->port_type_array, "1,1");
  ASSERT_EQ(pf.vfs.size(), 4u);
  EXPECT_EQ(pf.vfs[0].mlx4_gid_index, 1);
  EXPECT_EQ(pf.vfs[0].port_guid, "");  // admin_guids/1 is 0x0: the SM assigns
  EXPECT_EQ(pf.vfs[1].mlx4_gid_index, 2);
  EXPECT_EQ(pf.vfs[1].port_guid, "02:c9:fa:00:05:00:00:04");
}

TEST_F(SriovTreeTest, VfBoundToAnotherDriverSharedIommuGroupAndPortDown) {
  testing::BuildSingleMlx5(*tree_);
  tree_->Bind("0000:03:00.2", "pci-stub");
  tree_->AddPlainDevice("0000:01:00.0", "nvme", tree_->IommuGroupOf("0000:03:00.3"));
  tree_->SetPortState("mlx5_0", 1, "1: DOWN");
  Inventory inventory = MustDiscover();
  const PhysicalFunction& pf = inventory.pfs[0];
  EXPECT_EQ(pf.vfs[1].pci.driver, "pci-stub");
  EXPECT_THAT(pf.vfs[2].pci.iommu_peers, ElementsAre("0000:01:00.0"));
  EXPECT_EQ(pf.pci.ib->ports[0].state, "DOWN");
  EXPECT_EQ(pf.pci.ib->ports[0].phys_state, "Disabled");
  EXPECT_FALSE(pf.pci.ib->all_ports_active());
}

TEST_F(SriovTreeTest, MalformedFileNamesTheFileAndSparesOtherPfs) {
  testing::BuildTwoNumaMlx5(*tree_);
  tree_->WriteFile("bus/pci/devices/0000:03:00.0/sriov_totalvfs", "eight");
  Inventory inventory = MustDiscover();
  ASSERT_EQ(inventory.pfs.size(), 2u);
  EXPECT_THAT(inventory.pfs[0].error, HasSubstr(dir_ + "/bus/pci/devices/0000:03:00.0/sriov_totalvfs"));
  EXPECT_THAT(inventory.pfs[0].error, HasSubstr("\"eight\""));
  EXPECT_TRUE(inventory.pfs[0].vfs.empty());
  EXPECT_EQ(inventory.pfs[1].error, "");
  EXPECT_EQ(inventory.pfs[1].vfs.size(), 4u);
}

TEST_F(SriovTreeTest, GenericSriovDeviceHasNoGuids) {
  testing::FakePf intel;
  intel.address = "0000:02:00.0";
  intel.family = "generic";
  intel.total_vfs = 4;
  intel.num_vfs = 2;
  intel.vf_driver = "";
  tree_->AddPf(intel);
  Inventory inventory = MustDiscover();
  ASSERT_EQ(inventory.pfs.size(), 1u);
  EXPECT_EQ(inventory.pfs[0].family, Family::kGeneric);
  EXPECT_EQ(inventory.pfs[0].vfs.size(), 2u);
  EXPECT_FALSE(inventory.pfs[0].pci.ib.has_value());
}

TEST(SelectorTest, ParsesNamesAndVfRanges) {
  absl::StatusOr<PfSelector> plain = ParseSelector("0000:03:00.0");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->name, "0000:03:00.0");
  EXPECT_FALSE(plain->vf_indices.has_value());
  absl::StatusOr<PfSelector> ranged = ParseSelector("mlx5_0#0-3,6");
  ASSERT_TRUE(ranged.ok());
  EXPECT_EQ(ranged->name, "mlx5_0");
  EXPECT_EQ(*ranged->vf_indices, (std::set<int>{0, 1, 2, 3, 6}));
  for (const char* bad : {"mlx5_0#", "mlx5_0#3-1", "#1", "mlx5_0#x", "mlx5_0#1-", "mlx5_0#-2"}) {
    absl::StatusOr<PfSelector> parsed = ParseSelector(bad);
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(std::string(parsed.status().message()), HasSubstr("sriov.pfs")) << bad;
  }
}

TEST_F(SriovTreeTest, SelectorsMatchAddressIbDeviceAndNetdev) {
  testing::BuildTwoNumaMlx5(*tree_);
  SysfsRoot sysfs(dir_);
  Inventory inventory = MustDiscover();
  for (const char* text : {"0000:81:00.0", "mlx5_1", "ib1"}) {
    absl::StatusOr<std::vector<ManagedPf>> managed = ResolveSelectors({text}, inventory, sysfs);
    ASSERT_TRUE(managed.ok()) << managed.status();
    ASSERT_EQ(managed->size(), 1u) << text;
    EXPECT_EQ((*managed)[0].address, "0000:81:00.0") << text;
    EXPECT_TRUE((*managed)[0].Includes(3));
  }
  absl::StatusOr<std::vector<ManagedPf>> merged =
      ResolveSelectors({"mlx5_0#0-1", "ib0#3", "mlx5_1#2"}, inventory, sysfs);
  ASSERT_TRUE(merged.ok()) << merged.status();
  ASSERT_EQ(merged->size(), 2u);
  EXPECT_EQ(*(*merged)[0].vf_indices, (std::set<int>{0, 1, 3}));
  EXPECT_FALSE((*merged)[0].Includes(2));
  EXPECT_EQ(*(*merged)[1].vf_indices, (std::set<int>{2}));
}

TEST_F(SriovTreeTest, WithoutSelectorsOnlyPfsWithEnabledVfsAreManaged) {
  testing::BuildTwoNumaMlx5(*tree_);
  tree_->SetVfCount("0000:81:00.0", 0);
  SysfsRoot sysfs(dir_);
  absl::StatusOr<std::vector<ManagedPf>> managed = ResolveSelectors({}, MustDiscover(), sysfs);
  ASSERT_TRUE(managed.ok());
  ASSERT_EQ(managed->size(), 1u);
  EXPECT_EQ((*managed)[0].address, "0000:03:00.0");
  EXPECT_EQ((*managed)[0].selected_by, "numvfs > 0");
}

TEST_F(SriovTreeTest, BadSelectorsNameTheDeviceAndTheFile) {
  testing::BuildSingleMlx5(*tree_);
  tree_->AddPlainDevice("0000:01:00.0", "nvme");
  SysfsRoot sysfs(dir_);
  Inventory inventory = MustDiscover();

  absl::StatusOr<std::vector<ManagedPf>> missing = ResolveSelectors({"mlx5_9"}, inventory, sysfs);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(missing.status().message()), HasSubstr(dir_ + "/class/infiniband/mlx5_9"));

  absl::StatusOr<std::vector<ManagedPf>> absent_pci = ResolveSelectors({"0000:09:00.0"}, inventory, sysfs);
  EXPECT_EQ(absent_pci.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(absent_pci.status().message()), HasSubstr(dir_ + "/bus/pci/devices/0000:09:00.0"));

  // A VF's own IB device and a plain device exist but are not PFs.
  for (const char* not_pf : {"mlx5_3", "0000:01:00.0"}) {
    absl::StatusOr<std::vector<ManagedPf>> refused = ResolveSelectors({not_pf}, inventory, sysfs);
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition) << not_pf;
    EXPECT_THAT(std::string(refused.status().message()), HasSubstr("not an SR-IOV physical function"));
  }

  absl::StatusOr<std::vector<ManagedPf>> beyond = ResolveSelectors({"mlx5_0#4-8"}, inventory, sysfs);
  EXPECT_EQ(beyond.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(beyond.status().message()),
              HasSubstr(dir_ + "/bus/pci/devices/0000:03:00.0/sriov_totalvfs is 8"));

  tree_->WriteFile("bus/pci/devices/0000:03:00.0/numa_node", "zero");
  absl::StatusOr<std::vector<ManagedPf>> malformed = ResolveSelectors({"mlx5_0"}, MustDiscover(), sysfs);
  EXPECT_EQ(malformed.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(malformed.status().message()),
              HasSubstr(dir_ + "/bus/pci/devices/0000:03:00.0/numa_node"));
}

TEST(GuidTest, ParsesEverySysfsSpelling) {
  EXPECT_EQ(*ParseGuid("02:c9:fa:00:03:00:00:02", "x"), 0x02c9fa0003000002u);
  EXPECT_EQ(*ParseGuid("0002:c903:00a1:b2c4", "x"), 0x0002c90300a1b2c4u);
  EXPECT_EQ(*ParseGuid("0x02c9fa0003000002", "x"), 0x02c9fa0003000002u);
  EXPECT_EQ(ParseGuid("zz", "file").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(ParseGuid("zz", "/sys/x/node").status().message()), HasSubstr("/sys/x/node"));
  EXPECT_EQ(FormatGuidColons(0x02c9fa0003000002u), "02:c9:fa:00:03:00:00:02");
  EXPECT_EQ(FormatGuidHex(0x02c9fa0003000002u), "0x02c9fa0003000002");
  EXPECT_EQ(*ParseGuidPrefix("02:c9:fa:00"), 0x02c9fa00u);
  for (const char* bad : {"02:c9:fa", "02:c9:fa:00:01", "xx:c9:fa:00", "2:c9:fa:00"}) {
    EXPECT_EQ(ParseGuidPrefix(bad).status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

TEST(GuidTest, DerivedGuidsAreDeterministicAndUnique) {
  std::set<uint64_t> seen;
  for (const char* pf : {"0000:03:00.0", "0000:03:00.1", "0000:81:00.0"}) {
    PciAddress address = *ParsePciAddress(pf);
    for (int vf = 0; vf < 64; ++vf) {
      VfGuids guids = DeriveVfGuids(0x02c9fa00, address, vf);
      EXPECT_EQ(guids.node >> 32, 0x02c9fa00u);
      EXPECT_TRUE(seen.insert(guids.node).second);
      EXPECT_TRUE(seen.insert(guids.port).second);
      VfGuids again = DeriveVfGuids(0x02c9fa00, address, vf);
      EXPECT_EQ(again.node, guids.node);
      EXPECT_EQ(again.port, guids.port);
    }
  }
  EXPECT_EQ(DeriveVfGuids(0x02c9fa00, *ParsePciAddress("0000:03:00.0"), 2).node, 0x02c9fa0003000004u);
}

}  // namespace
}  // namespace fta::sriov
