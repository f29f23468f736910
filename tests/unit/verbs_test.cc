// libibverbs' port codes as sysfs spells rates, and reading the real device
// list of this machine (none here: the read must still succeed).
#include "lib/sriov/verbs.h"

#include <gtest/gtest.h>

namespace fta::sriov {
namespace {

TEST(VerbsRateTest, WidthTimesLaneSpeedAsSysfsSpellsIt) {
  EXPECT_EQ(VerbsRateGbps(2, 16), 56);  // 4X FDR
  EXPECT_EQ(VerbsRateText(2, 16), "56 Gb/sec (4X FDR)");
  EXPECT_EQ(VerbsRateText(2, 32), "100 Gb/sec (4X EDR)");
  EXPECT_EQ(VerbsRateText(2, 64), "200 Gb/sec (4X HDR)");
  EXPECT_EQ(VerbsRateText(2, 128), "400 Gb/sec (4X NDR)");
  EXPECT_EQ(VerbsRateText(1, 1), "2.5 Gb/sec (1X SDR)");
  EXPECT_EQ(VerbsRateText(8, 4), "120 Gb/sec (12X QDR)");
  EXPECT_EQ(VerbsRateText(16, 64), "100 Gb/sec (2X HDR)");
  EXPECT_EQ(VerbsRateGbps(3, 16), 0);  // not one width bit
  EXPECT_EQ(VerbsRateText(2, 0), "");
}

TEST(ReadVerbsPortsTest, ReadsWhateverThisMachineHas) {
  absl::StatusOr<std::vector<VerbsPort>> ports = ReadVerbsPorts();
  ASSERT_TRUE(ports.ok()) << ports.status();
  for (const VerbsPort& port : *ports) {
    EXPECT_FALSE(port.device.empty());
    EXPECT_GE(port.port, 1);
    EXPECT_FALSE(port.state.empty());
  }
}

}  // namespace
}  // namespace fta::sriov
