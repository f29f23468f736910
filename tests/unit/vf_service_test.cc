// The VF service's listing over a fake sysfs tree: libibverbs' view merged
// into the PFs' ports (a fake reader stands in for RDMA hardware), and what
// it says when libibverbs has nothing or was not consulted.
#include "lib/services/vf_service.h"

#include <stdlib.h>

#include <filesystem>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/fake_sysfs.h"
#include "tests/unit/fakes/temp_dir.h"

namespace fta::hostd {
namespace {

using ::testing::HasSubstr;

class VfServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tree_ = std::make_unique<testing::FakeSysfs>(dir_);
    testing::BuildTwoNumaMlx5(*tree_);  // mlx5_0 and mlx5_1, ports ACTIVE
    sysfs_ = std::make_unique<sriov::SysfsRoot>(dir_);
    std::vector<std::string> notes;
    absl::StatusOr<std::unique_ptr<sriov::VfPool>> pool = sriov::VfPool::Create(sysfs_.get(), {}, &notes);
    ASSERT_TRUE(pool.ok()) << pool.status();
    pool_ = std::move(*pool);
  }

  static sriov::VerbsPort Port(const std::string& device, const std::string& state) {
    sriov::VerbsPort port;
    port.device = device;
    port.port = 1;
    port.state = state;
    port.rate = "100 Gb/sec (4X EDR)";
    return port;
  }

  testing::TempDir temp_{"fta-vfsvc"};
  std::string dir_ = temp_.path();
  std::unique_ptr<testing::FakeSysfs> tree_;
  std::unique_ptr<sriov::SysfsRoot> sysfs_;
  std::unique_ptr<sriov::VfPool> pool_;
};

TEST_F(VfServiceTest, VerbsViewIsMergedAndDisagreementsNamed) {
  VfServiceImpl service(pool_.get(), {}, [] {
    return absl::StatusOr<std::vector<sriov::VerbsPort>>(
        std::vector<sriov::VerbsPort>{Port("mlx5_0", "ACTIVE"), Port("mlx5_1", "DOWN")});
  });
  absl::StatusOr<fta::v1::ListVfsResponse> listed = service.List();
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->pfs_size(), 2);
  EXPECT_EQ(listed->pfs(0).ports(0).verbs_state(), fta::v1::PORT_STATE_ACTIVE);
  EXPECT_EQ(listed->pfs(0).ports(0).verbs_rate(), "100 Gb/sec (4X EDR)");
  EXPECT_EQ(listed->pfs(1).ports(0).verbs_state(), fta::v1::PORT_STATE_DOWN);
  EXPECT_EQ(listed->verbs_status(), "libibverbs: 2 RDMA device(s), disagrees with sysfs: mlx5_1/1 DOWN (sysfs ACTIVE)");
  fta::v1::HostInfo host;
  service.DescribeHost(&host);
  EXPECT_EQ(host.verbs_status(), listed->verbs_status());
}

TEST_F(VfServiceTest, AgreementAndMissingDevices) {
  VfServiceImpl agreeing(pool_.get(), {}, [] {
    return absl::StatusOr<std::vector<sriov::VerbsPort>>(
        std::vector<sriov::VerbsPort>{Port("mlx5_0", "ACTIVE"), Port("mlx5_1", "ACTIVE")});
  });
  EXPECT_EQ(agreeing.List()->verbs_status(), "libibverbs: 2 RDMA device(s), PF port states agree with sysfs");
  VfServiceImpl partial(pool_.get(), {}, [] {
    return absl::StatusOr<std::vector<sriov::VerbsPort>>(std::vector<sriov::VerbsPort>{Port("mlx5_0", "ACTIVE")});
  });
  EXPECT_THAT(partial.List()->verbs_status(), HasSubstr("mlx5_1/1 missing"));
}

TEST_F(VfServiceTest, NoDevicesFailureOrNotConsultedAreSaid) {
  VfServiceImpl none(pool_.get(), {}, [] { return absl::StatusOr<std::vector<sriov::VerbsPort>>(std::vector<sriov::VerbsPort>{}); });
  EXPECT_EQ(none.List()->verbs_status(), "libibverbs: no RDMA devices (port facts from sysfs only)");
  VfServiceImpl failing(pool_.get(), {}, [] {
    return absl::StatusOr<std::vector<sriov::VerbsPort>>(absl::UnavailableError("libibverbs: cannot open mlx5_0"));
  });
  EXPECT_EQ(failing.List()->verbs_status(), "libibverbs: cannot open mlx5_0");
  VfServiceImpl off(pool_.get(), {}, {}, "not consulted: the sysfs root /tmp/x is not this machine's /sys");
  absl::StatusOr<fta::v1::ListVfsResponse> listed = off.List();
  EXPECT_EQ(listed->verbs_status(), "libibverbs not consulted: the sysfs root /tmp/x is not this machine's /sys");
  EXPECT_EQ(listed->pfs(0).ports(0).verbs_state(), fta::v1::PORT_STATE_UNSPECIFIED);
}

}  // namespace
}  // namespace fta::hostd
