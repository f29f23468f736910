// The [sriov] keys of fta-hostd's configuration.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lib/config/config.h"

namespace fta::hostd {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(SriovConfigTest, ReadsPfsNumVfsAndGuidPrefix) {
  HostdConfig config = DefaultConfig();
  EXPECT_TRUE(config.sriov_pfs.empty());
  EXPECT_EQ(config.sriov_num_vfs, 0);
  ASSERT_TRUE(MergeTomlText("[sriov]\nsysfs_root = \"/tmp/sys\"\npfs = [\"mlx5_0#0-7\", \"0000:03:00.0\"]\n"
                            "num_vfs = 8\nguid_prefix = \"02:c9:fa:00\"\npkeys = [\"0x8001\", \"0x7fff\"]\n",
                            "test.toml", &config)
                  .ok());
  EXPECT_EQ(config.sysfs_root, "/tmp/sys");
  EXPECT_THAT(config.sriov_pfs, ElementsAre("mlx5_0#0-7", "0000:03:00.0"));
  EXPECT_EQ(config.sriov_num_vfs, 8);
  EXPECT_EQ(config.sriov_guid_prefix, "02:c9:fa:00");
  EXPECT_THAT(config.sriov_pkeys, ElementsAre("0x8001", "0x7fff"));
  EXPECT_TRUE(ValidateConfig(config).ok());
  std::string printed = ToToml(config);
  EXPECT_THAT(printed, HasSubstr("pfs = [\"mlx5_0#0-7\", \"0000:03:00.0\"]"));
  EXPECT_THAT(printed, HasSubstr("num_vfs = 8"));
  EXPECT_THAT(printed, HasSubstr("pkeys = [\"0x8001\", \"0x7fff\"]"));
}

TEST(SriovConfigTest, RefusesWrongTypesAndInconsistentValues) {
  HostdConfig config = DefaultConfig();
  absl::Status not_list = MergeTomlText("[sriov]\npfs = \"mlx5_0\"\n", "test.toml", &config);
  EXPECT_EQ(not_list.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(not_list.message()),
              HasSubstr("test.toml: sriov.pfs: expected an array of strings"));
  absl::Status not_strings = MergeTomlText("[sriov]\npfs = [1, 2]\n", "test.toml", &config);
  EXPECT_THAT(std::string(not_strings.message()), HasSubstr("sriov.pfs"));

  config = DefaultConfig();
  config.sriov_num_vfs = 4;
  absl::Status without_pfs = ValidateConfig(config);
  EXPECT_EQ(without_pfs.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(without_pfs.message()), HasSubstr("sriov.num_vfs"));
  config.sriov_pfs = {"mlx5_0"};
  config.sriov_num_vfs = -1;
  EXPECT_THAT(std::string(ValidateConfig(config).message()), HasSubstr("sriov.num_vfs"));
}

}  // namespace
}  // namespace fta::hostd
