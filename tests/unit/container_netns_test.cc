// ContainerNetwork against a fake NetnsOps: the namespace check after start,
// the RDMA-then-netdev order, the exclusive-mode check with its fix, and a
// VF's devices found in a fake sysfs tree.
#include "lib/virt/container_netns.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include <gtest/gtest.h>

namespace fta::virt {
namespace {

class FakeNetnsOps final : public NetnsOps {
 public:
  std::map<std::string, NetnsId> namespaces;           // path -> namespace
  std::map<std::string, std::string> netdev_location;  // ifname -> namespace path
  absl::StatusOr<std::string> mode = std::string("exclusive");
  std::vector<std::string> calls;
  bool rdma_recreates_netdev = true;  // what the kernel does with IPoIB
  std::string netdev_of_rdma;         // the IPoIB netdev the RDMA device re-creates

  absl::StatusOr<NetnsId> Identify(const std::string& path) override {
    auto it = namespaces.find(path);
    if (it == namespaces.end()) return absl::NotFoundError(path);
    return it->second;
  }
  absl::StatusOr<std::string> RdmaNetnsMode() override { return mode; }
  absl::Status MoveRdmaDevice(const std::string& device, const std::string& path) override {
    calls.push_back("rdma " + device + " -> " + path);
    if (rdma_recreates_netdev && !netdev_of_rdma.empty()) netdev_location[netdev_of_rdma] = "/host";
    return absl::OkStatus();
  }
  absl::Status MoveNetdev(const std::string& ifname, const std::string& path) override {
    calls.push_back("netdev " + ifname + " -> " + path);
    if (netdev_location.count(ifname) == 0) return absl::NotFoundError(ifname);
    netdev_location[ifname] = path;
    return absl::OkStatus();
  }
  absl::StatusOr<bool> HasNetdev(const std::string& path, const std::string& ifname) override {
    auto it = netdev_location.find(ifname);
    return it != netdev_location.end() && it->second == path;
  }
};

class ContainerNetworkTest : public ::testing::Test {
 protected:
  ContainerNetworkTest() : network_(&ops_, "/host") {
    ops_.namespaces["/host"] = {1, 100};
    ops_.namespaces["/proc/7/ns/net"] = {1, 200};
    ops_.netdev_location["veth-b"] = "/host";
  }
  FakeNetnsOps ops_;
  ContainerNetwork network_;
};

TEST_F(ContainerNetworkTest, AContainerInTheHostsNamespaceIsRefused) {
  EXPECT_TRUE(network_.VerifyOwnNamespace("fta-1", "/proc/7/ns/net").ok());
  ops_.namespaces["/proc/7/ns/net"] = {1, 100};  // a sharenet that silently fell back to the host's
  absl::Status same = network_.VerifyOwnNamespace("fta-1", "/proc/7/ns/net");
  EXPECT_EQ(same.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(same.message().find("host's network namespace"), std::string::npos) << same;
  EXPECT_FALSE(network_.VerifyOwnNamespace("fta-1", "/proc/8/ns/net").ok());  // gone
}

TEST_F(ContainerNetworkTest, MovesTheRdmaDeviceBeforeItsNetdevAndChecksTheNetdevArrived) {
  ops_.netdev_location["ib3"] = "/host";
  ops_.netdev_of_rdma = "ib3";
  ContainerNetDevices devices{"mlx5_3", "ib3", {"/dev/infiniband/uverbs3"}};
  ASSERT_TRUE(network_.Attach("fta-1", "/proc/7/ns/net", devices).ok());
  EXPECT_EQ(ops_.calls, (std::vector<std::string>{"rdma mlx5_3 -> /proc/7/ns/net", "netdev ib3 -> /proc/7/ns/net"}));
  EXPECT_EQ(ops_.netdev_location["ib3"], "/proc/7/ns/net");
}

TEST_F(ContainerNetworkTest, AStandInNetdevMovesAloneAndAMissingOneFails) {
  ASSERT_TRUE(network_.Attach("fta-1", "/proc/7/ns/net", {"", "veth-b", {}}).ok());
  EXPECT_EQ(ops_.calls, std::vector<std::string>{"netdev veth-b -> /proc/7/ns/net"});
  EXPECT_FALSE(network_.Attach("fta-2", "/proc/7/ns/net", {"", "veth-x", {}}).ok());
  EXPECT_TRUE(network_.Attach("fta-3", "/proc/7/ns/net", {}).ok());  // nothing to move
}

TEST_F(ContainerNetworkTest, SharedRdmaModeIsRefusedWithTheFix) {
  EXPECT_TRUE(network_.CheckRdmaExclusive().ok());
  ops_.mode = std::string("shared");
  absl::Status shared = network_.CheckRdmaExclusive();
  EXPECT_EQ(shared.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(shared.message().find("options ib_core netns_mode=0"), std::string::npos) << shared;
  EXPECT_NE(shared.message().find("rdma system set netns exclusive"), std::string::npos) << shared;
  ops_.mode = absl::UnavailableError("no RDMA subsystem");
  EXPECT_EQ(network_.CheckRdmaExclusive().code(), absl::StatusCode::kUnavailable);
}

TEST(VfNetDevicesTest, ReadsTheVfsDevicesFromSysfs) {
  std::string root = std::filesystem::temp_directory_path() / "fta-vf-netdev-XXXXXX";
  ASSERT_NE(mkdtemp(root.data()), nullptr);
  std::filesystem::path vf = std::filesystem::path(root) / "bus/pci/devices/0000:03:00.2";
  std::filesystem::create_directories(vf / "net/ib3");
  std::filesystem::create_directories(vf / "infiniband/mlx5_3");
  std::filesystem::create_directories(vf / "infiniband_verbs/uverbs3");
  std::filesystem::create_directories(std::filesystem::path(root) / "bus/pci/devices/0000:03:00.3");
  absl::StatusOr<ContainerNetDevices> devices = VfNetDevices(root, "0000:03:00.2");
  ASSERT_TRUE(devices.ok()) << devices.status();
  EXPECT_EQ(devices->rdma_device, "mlx5_3");
  EXPECT_EQ(devices->netdev, "ib3");
  EXPECT_EQ(devices->char_devices,
            (std::vector<std::string>{"/dev/infiniband/uverbs3", "/dev/infiniband/rdma_cm"}));
  absl::StatusOr<ContainerNetDevices> bare = VfNetDevices(root, "0000:03:00.3");
  EXPECT_EQ(bare.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(bare.status().message().find("0000:03:00.3"), std::string::npos);
  std::filesystem::remove_all(root);
}

TEST(RealNetnsOpsTest, TheHostsNamespaceHoldsLoopback) {
  if (geteuid() != 0) GTEST_SKIP() << "setns(2) needs CAP_SYS_ADMIN";
  RealNetnsOps ops;
  absl::StatusOr<NetnsId> self = ops.Identify("/proc/self/ns/net");
  ASSERT_TRUE(self.ok()) << self.status();
  absl::StatusOr<bool> lo = ops.HasNetdev("/proc/self/ns/net", "lo");
  ASSERT_TRUE(lo.ok()) << lo.status();
  EXPECT_TRUE(*lo);
  absl::StatusOr<bool> none = ops.HasNetdev("/proc/self/ns/net", "fta-no-such-if");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(*none);
}

}  // namespace
}  // namespace fta::virt
