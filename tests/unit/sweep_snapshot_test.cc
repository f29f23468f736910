// What shaped a run: config hash, CPU model, IB link rate from a fake sysfs
// tree laid out as the kernel does (class/infiniband/<dev>/ports/<n>/rate).
#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "lib/sweeps/sweep_snapshot.h"

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
  host.set_backend(fta::v1::BACKEND_PROCESS);
  host.set_kernel("Linux 6.1");
  fta::v1::Fta a, b;
  a.set_vf("0000:03:00.1");
  a.set_agent_version("0.1.0");
  b.set_vf("0000:03:00.2");
  b.set_agent_version("0.1.0");
  fta::v1::RunSnapshot run = SnapshotForRun(host, {a, b}, fta::v1::ENGINE_BUILTIN);
  EXPECT_EQ(run.backend(), fta::v1::BACKEND_PROCESS);
  EXPECT_EQ(run.kernel(), "Linux 6.1");
  EXPECT_THAT(run.vfs(), ::testing::ElementsAre("0000:03:00.1", "0000:03:00.2"));
  EXPECT_EQ(run.engine(), fta::v1::ENGINE_BUILTIN);
  EXPECT_EQ(run.engine_version(), "fta-agent 0.1.0");
}

// On a host with processes and containers the run records the backend of
// the FTAs it measured, not the daemon's default.
TEST(SnapshotForRunTest, ContainerFtasRecordTheLxcBackend) {
  fta::v1::RunSnapshot host;
  host.set_backend(fta::v1::BACKEND_PROCESS);
  fta::v1::Fta container;
  container.set_kind(fta::v1::FTA_KIND_CONTAINER);
  container.set_backend(fta::v1::BACKEND_LXC);
  EXPECT_EQ(SnapshotForRun(host, {container}, fta::v1::ENGINE_BUILTIN).backend(), fta::v1::BACKEND_LXC);
  fta::v1::Fta native;
  native.set_kind(fta::v1::FTA_KIND_NATIVE);
  native.set_backend(fta::v1::BACKEND_LXC);  // never: the native agent is a host process
  EXPECT_EQ(SnapshotForRun(host, {native}, fta::v1::ENGINE_BUILTIN).backend(), fta::v1::BACKEND_PROCESS);
}

sriov::PhysicalFunction PfWithVfs(const std::string& address, const std::string& ib_name, const std::string& rate,
                                   const std::vector<std::string>& vf_addresses) {
  sriov::PhysicalFunction pf;
  pf.pci.address = address;
  pf.pci.ib = sriov::IbDevice{};
  pf.pci.ib->name = ib_name;
  sriov::IbPort port;
  port.number = 1;
  port.rate = rate;
  port.rate_gbps = std::stod(rate);  // as discovery reads it: "100 Gb/sec ..." -> 100
  pf.pci.ib->ports.push_back(port);
  for (const std::string& vf_address : vf_addresses) {
    sriov::VirtualFunction vf;
    vf.pci.address = vf_address;
    vf.pf_address = address;
    pf.vfs.push_back(vf);
  }
  return pf;
}

TEST(SnapshotForRunTest, PfAndLinkRateComeFromTheVfsOfTheRun) {
  sriov::Inventory inventory;
  inventory.pfs.push_back(PfWithVfs("0000:03:00.0", "mlx5_0", "100 Gb/sec (4X EDR)", {"0000:03:00.1", "0000:03:00.2"}));
  inventory.pfs.push_back(PfWithVfs("0000:81:00.0", "mlx5_2", "200 Gb/sec (4X HDR)", {"0000:81:00.1"}));
  fta::v1::RunSnapshot host;
  host.set_ib_link_rate("mlx5_0/1: 100 Gb/sec (4X EDR)");  // the host's first port
  fta::v1::Fta on_second_card;
  on_second_card.set_vf("0000:81:00.1");
  fta::v1::RunSnapshot run = SnapshotForRun(host, {on_second_card}, fta::v1::ENGINE_BUILTIN, &inventory);
  EXPECT_EQ(run.pf(), "0000:81:00.0 (mlx5_2)");
  EXPECT_EQ(run.ib_link_rate(), "mlx5_2/1: 200 Gb/sec (4X HDR)");

  fta::v1::Fta first, second;
  first.set_vf("0000:03:00.2");
  second.set_vf("0000:03:00.1");
  run = SnapshotForRun(host, {first, second, on_second_card}, fta::v1::ENGINE_BUILTIN, &inventory);
  EXPECT_EQ(run.pf(), "0000:03:00.0 (mlx5_0), 0000:81:00.0 (mlx5_2)");
  EXPECT_EQ(run.ib_link_rate(), "mlx5_0/1: 100 Gb/sec (4X EDR), mlx5_2/1: 200 Gb/sec (4X HDR)");
}

TEST(SnapshotForRunTest, VfsUnknownToTheInventoryKeepTheHostRate) {
  sriov::Inventory inventory;
  fta::v1::RunSnapshot host;
  host.set_ib_link_rate("mlx4_0/1: 56 Gb/sec (4X FDR)");
  fta::v1::Fta gone;
  gone.set_vf("0000:03:00.7");
  fta::v1::RunSnapshot run = SnapshotForRun(host, {gone}, fta::v1::ENGINE_BUILTIN, &inventory);
  EXPECT_EQ(run.pf(), "");
  EXPECT_EQ(run.ib_link_rate(), "mlx4_0/1: 56 Gb/sec (4X FDR)");
  EXPECT_THAT(run.vfs(), ::testing::ElementsAre("0000:03:00.7"));
}

TEST(DescribeHostTest, HostFactsAndConfigHash) {
  HostdConfig config = DefaultConfig();
  fta::v1::RunSnapshot snapshot = DescribeHost(config);
  EXPECT_EQ(snapshot.backend(), fta::v1::BACKEND_PROCESS);  // config.backend "process"
  EXPECT_GT(snapshot.cpu_count(), 0);
  EXPECT_GT(snapshot.memory_bytes(), 0);
  EXPECT_THAT(snapshot.kernel(), ::testing::StartsWith("Linux "));
  EXPECT_EQ(snapshot.config_hash(), Fnv1a64Hex(ToToml(config)));
  config.max_ftas = 3;
  EXPECT_NE(DescribeHost(config).config_hash(), snapshot.config_hash());
}

}  // namespace
}  // namespace fta::hostd
