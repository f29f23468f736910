// What shaped a run: config hash, CPU model, IB link rate from a fake sysfs
// tree laid out as the kernel does (class/infiniband/<dev>/ports/<n>/rate).
#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "lib/hostd/sweep_snapshot.h"

namespace fta::hostd {
namespace {

TEST(Fnv1a64HexTest, KnownVectorsAndWidth) {
  EXPECT_EQ(Fnv1a64Hex(""), "cbf29ce484222325");
  EXPECT_EQ(Fnv1a64Hex("a"), "af63dc4c8601ec8c");
  EXPECT_NE(Fnv1a64Hex("max_ftas = 16"), Fnv1a64Hex("max_ftas = 17"));
}

TEST(CpuModelFromCpuinfoTest, FirstModelName) {
  EXPECT_EQ(CpuModelFromCpuinfo("processor\t: 0\nmodel name\t: Intel(R) Xeon(R) CPU E5-2620\nflags: x\n"
                                "model name\t: other\n"),
            "Intel(R) Xeon(R) CPU E5-2620");
  EXPECT_EQ(CpuModelFromCpuinfo("processor: 0\n"), "");
}

TEST(IbLinkRateTest, ReadsThePortRateFromSysfs) {
  std::string root = ::testing::TempDir() + "/ib-sysfs-" + std::to_string(getpid());
  std::filesystem::remove_all(root);
  EXPECT_EQ(IbLinkRate(root), "");
  std::filesystem::create_directories(root + "/class/infiniband/mlx4_0/ports/1");
  std::ofstream(root + "/class/infiniband/mlx4_0/ports/1/rate") << "56 Gb/sec (4X FDR)\n";
  EXPECT_EQ(IbLinkRate(root), "mlx4_0/1: 56 Gb/sec (4X FDR)");
  std::filesystem::remove_all(root);
}

TEST(SnapshotForRunTest, VfsAndEngineVersionFromTheFtas) {
  fta::v1::RunSnapshot host;
  host.set_backend("process");
  host.set_kernel("Linux 6.1");
  fta::v1::Fta a, b;
  a.set_vf("0000:03:00.1");
  a.set_agent_version("0.1.0");
  b.set_vf("0000:03:00.2");
  b.set_agent_version("0.1.0");
  fta::v1::RunSnapshot run = SnapshotForRun(host, {a, b}, "builtin");
  EXPECT_EQ(run.backend(), "process");
  EXPECT_EQ(run.kernel(), "Linux 6.1");
  EXPECT_THAT(run.vfs(), ::testing::ElementsAre("0000:03:00.1", "0000:03:00.2"));
  EXPECT_EQ(run.engine(), "builtin");
  EXPECT_EQ(run.engine_version(), "fta-agent 0.1.0");
}

TEST(DescribeHostTest, HostFactsAndConfigHash) {
  HostdConfig config = DefaultConfig();
  fta::v1::RunSnapshot snapshot = DescribeHost(config);
  EXPECT_EQ(snapshot.backend(), config.backend);
  EXPECT_GT(snapshot.cpu_count(), 0);
  EXPECT_GT(snapshot.memory_bytes(), 0);
  EXPECT_THAT(snapshot.kernel(), ::testing::StartsWith("Linux "));
  EXPECT_EQ(snapshot.config_hash(), Fnv1a64Hex(ToToml(config)));
  config.max_ftas = 3;
  EXPECT_NE(DescribeHost(config).config_hash(), snapshot.config_hash());
}

}  // namespace
}  // namespace fta::hostd
