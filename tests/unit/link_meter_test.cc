// Link metering over fake sysfs trees in the kernel's layout: which ports a
// job's VFs lead to, utilisation from the data counters (4-byte words) as
// the test moves them, and the cross-check against the agents' bytes.
#include "lib/jobs/link_meter.h"

#include <unistd.h>

#include <filesystem>
#include <memory>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "tests/unit/fake_sysfs.h"
#include "tests/unit/fakes/temp_dir.h"
#include "tests/unit/fakes/fake_clock.h"

namespace fta::hostd {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class LinkMeterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tree_ = std::make_unique<testing::FakeSysfs>(dir_);
    // 0000:03:00.0 (mlx5_0) and 0000:81:00.0 (mlx5_1), 100 Gb/s, 4 VFs each.
    testing::BuildTwoNumaMlx5(*tree_);
    sysfs_ = std::make_unique<sriov::SysfsRoot>(dir_);
    absl::StatusOr<sriov::Inventory> inventory = sriov::Discover(*sysfs_);
    ASSERT_TRUE(inventory.ok()) << inventory.status();
    inventory_ = *inventory;
  }

  // Sets mlx5_<n> port 1's data counters, in bytes (the files count words).
  void SetCounters(const std::string& ib_device, int64_t xmit_bytes, int64_t rcv_bytes) {
    const std::string port = absl::StrCat("class/infiniband/", ib_device, "/ports/1/counters/");
    tree_->WriteFile(port + "port_xmit_data", std::to_string(xmit_bytes / 4));
    tree_->WriteFile(port + "port_rcv_data", std::to_string(rcv_bytes / 4));
  }

  std::string Vf(const std::string& pf, int index) { return testing::FakeSysfs::VfAddress(pf, index); }

  testing::TempDir temp_{"fta-link"};
  std::string dir_ = temp_.path();
  std::unique_ptr<testing::FakeSysfs> tree_;
  std::unique_ptr<sriov::SysfsRoot> sysfs_;
  sriov::Inventory inventory_;
  testing::FakeClock clock_{absl::ZeroDuration(), 1'000'000'000};
};

TEST_F(LinkMeterTest, OnePortPerPfBehindTheJobsVfs) {
  std::vector<MeteredPort> ports = PortsBehind(inventory_, {{"fta-1", Vf("0000:03:00.0", 0)},
                                                            {"fta-2", Vf("0000:03:00.0", 1)},
                                                            {"fta-3", Vf("0000:81:00.0", 0)},
                                                            {"native", ""},
                                                            {"fta-4", "0000:99:00.1"}});
  ASSERT_EQ(ports.size(), 2u);
  EXPECT_EQ(ports[0].pf, "0000:03:00.0");
  EXPECT_EQ(ports[0].ib_device, "mlx5_0");
  EXPECT_EQ(ports[0].port, 1);
  EXPECT_EQ(ports[0].rate_gbps, 100);
  EXPECT_THAT(ports[0].fta_ids, ElementsAre("fta-1", "fta-2"));
  EXPECT_EQ(ports[1].ib_device, "mlx5_1");
  EXPECT_THAT(ports[1].fta_ids, ElementsAre("fta-3"));
  EXPECT_TRUE(PortsBehind(inventory_, {{"native", ""}}).empty());
}

TEST_F(LinkMeterTest, PhaseUtilisationAndCrossCheckFromTheCounters) {
  LinkMeter meter(sysfs_.get(), &clock_,
                  PortsBehind(inventory_, {{"fta-1", Vf("0000:03:00.0", 0)}, {"fta-2", Vf("0000:81:00.0", 0)}}));
  SetCounters("mlx5_0", 4'000, 8'000);
  SetCounters("mlx5_1", 0, 0);
  meter.StartPhase();
  // Half a second later: mlx5_0 sent 1.25 GB (20 Gb/s of 100: 20 %).
  clock_.Advance(absl::Nanoseconds(500'000'000));
  SetCounters("mlx5_0", 4'000 + 1'250'000'000, 8'000);
  EXPECT_NEAR(meter.Sample(), 20.0, 1e-9);
  // Another half second: mlx5_1 sent 2.5 GB (40 %), mlx5_0 idle.
  clock_.Advance(absl::Nanoseconds(500'000'000));
  SetCounters("mlx5_1", 2'500'000'000, 4'000);
  EXPECT_NEAR(meter.Sample(), 40.0, 1e-9);

  // fta-1 reported what mlx5_0 carried; fta-2 claims 4x what mlx5_1 saw.
  std::vector<fta::v1::LinkUsage> links =
      meter.FinishPhase(fta::v1::PHASE_WRITE, {{"fta-1", 1'200'000'000}, {"fta-2", 10'000'000'000}});
  ASSERT_EQ(links.size(), 2u);
  EXPECT_EQ(links[0].pf(), "0000:03:00.0");
  EXPECT_EQ(links[0].ib_port(), "mlx5_0/1");
  EXPECT_EQ(links[0].xmit_bytes(), 1'250'000'000);
  EXPECT_EQ(links[0].rcv_bytes(), 0);
  EXPECT_DOUBLE_EQ(links[0].seconds(), 1.0);
  EXPECT_NEAR(links[0].utilisation_pct(), 10.0, 1e-9);
  EXPECT_EQ(links[0].agent_bytes(), 1'200'000'000);
  EXPECT_EQ(links[0].ftas(), 1);
  EXPECT_EQ(links[0].check(), "ok");
  EXPECT_EQ(links[1].xmit_bytes(), 2'500'000'000);
  EXPECT_THAT(links[1].check(), HasSubstr("did not all cross this port"));
  EXPECT_THAT(links[1].check(), HasSubstr("use -e"));
}

TEST_F(LinkMeterTest, ReadsAreJudgedByReceivedBytes) {
  LinkMeter meter(sysfs_.get(), &clock_, PortsBehind(inventory_, {{"fta-1", Vf("0000:03:00.0", 0)}}));
  SetCounters("mlx5_0", 0, 0);
  meter.StartPhase();
  clock_.Advance(absl::Nanoseconds(1'000'000'000));
  // Lots sent (requests, other tenants), little received: a read that did
  // not come over this port.
  SetCounters("mlx5_0", 9'000'000'000, 1'000);
  std::vector<fta::v1::LinkUsage> links = meter.FinishPhase(fta::v1::PHASE_READ, {{"fta-1", 1'000'000}});
  ASSERT_EQ(links.size(), 1u);
  EXPECT_THAT(links[0].check(), HasSubstr("the port received"));
  EXPECT_THAT(links[0].check(), ::testing::Not(HasSubstr("use -e")));
}

TEST_F(LinkMeterTest, UnreadableCounterIsReportedPerPortAndTheOthersStillCount) {
  LinkMeter meter(sysfs_.get(), &clock_,
                  PortsBehind(inventory_, {{"fta-1", Vf("0000:03:00.0", 0)}, {"fta-2", Vf("0000:81:00.0", 0)}}));
  std::filesystem::remove(dir_ + "/class/infiniband/mlx5_0/ports/1/counters/port_rcv_data");
  SetCounters("mlx5_1", 0, 0);
  meter.StartPhase();
  clock_.Advance(absl::Nanoseconds(1'000'000'000));
  SetCounters("mlx5_1", 1'000, 1'000);
  EXPECT_GE(meter.Sample(), 0);
  std::vector<fta::v1::LinkUsage> links = meter.FinishPhase(fta::v1::PHASE_WRITE, {{"fta-1", 8}, {"fta-2", 8}});
  ASSERT_EQ(links.size(), 2u);
  EXPECT_THAT(links[0].error(), HasSubstr("mlx5_0/ports/1/counters/port_rcv_data"));
  EXPECT_EQ(links[0].check(), "");
  EXPECT_EQ(links[1].error(), "");
  EXPECT_EQ(links[1].check(), "ok");
}

TEST_F(LinkMeterTest, SaturatedCountersSayTheyCannotTell) {
  LinkMeter meter(sysfs_.get(), &clock_, PortsBehind(inventory_, {{"fta-1", Vf("0000:03:00.0", 0)}}));
  SetCounters("mlx5_0", 4294967295ll * 4, 0);
  meter.StartPhase();
  clock_.Advance(absl::Nanoseconds(1'000'000'000));
  std::vector<fta::v1::LinkUsage> links = meter.FinishPhase(fta::v1::PHASE_WRITE, {{"fta-1", 1 << 30}});
  ASSERT_EQ(links.size(), 1u);
  EXPECT_THAT(links[0].check(), HasSubstr("saturated"));
}

TEST(CrossCheckTest, OnlyAShortfallIsSuspicious) {
  EXPECT_EQ(CrossCheck(fta::v1::PHASE_WRITE, 1000, 1000), "ok");
  EXPECT_EQ(CrossCheck(fta::v1::PHASE_WRITE, 900, 1000), "ok");
  EXPECT_EQ(CrossCheck(fta::v1::PHASE_READ, 5000, 1000), "ok");  // headers, other tenants
  EXPECT_EQ(CrossCheck(fta::v1::PHASE_READ, 0, 0), "ok");
  EXPECT_THAT(CrossCheck(fta::v1::PHASE_WRITE, 899, 1000), HasSubstr("sent 899 B"));
}

}  // namespace
}  // namespace fta::hostd
