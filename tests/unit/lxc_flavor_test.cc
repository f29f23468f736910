// LxcFlavor without libvirt: the identity file (0600, never in the XML),
// netdevs handed out one per container, the network set-up after start
// through fake namespace ops, and cleanup.
#include "lib/virt/lxc_provisioner.h"
#include "tests/unit/fakes/temp_dir.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <gtest/gtest.h>

namespace fta::virt {
namespace {

class FakeOps final : public NetnsOps {
 public:
  std::map<std::string, std::string> where;  // netdev -> namespace path
  absl::StatusOr<NetnsId> Identify(const std::string& path) override {
    return path == "/proc/self/ns/net" ? NetnsId{1, 1} : NetnsId{1, 2};
  }
  absl::StatusOr<std::string> RdmaNetnsMode() override { return absl::UnavailableError("no RDMA"); }
  absl::Status MoveRdmaDevice(const std::string&, const std::string&) override { return absl::OkStatus(); }
  absl::Status MoveNetdev(const std::string& ifname, const std::string& path) override {
    where[ifname] = path;
    return absl::OkStatus();
  }
  absl::StatusOr<bool> HasNetdev(const std::string& path, const std::string& ifname) override {
    return where.count(ifname) > 0 && where[ifname] == path;
  }
};

class LxcFlavorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(root_ + "/credentials");
    std::ofstream(root_ + "/credentials/token") << "s3cret\n";
    ops_ = std::make_shared<FakeOps>();
    ops_->where = {{"veth-a", "/proc/self/ns/net"}, {"veth-b", "/proc/self/ns/net"}};
    LxcOptions options;
    options.owner = "fta-hostd:/state";
    options.state_dir = root_ + "/containers";
    options.shape.agent_binary = "/usr/bin/fta-agent";
    options.agent_endpoint = "unix:/run/fta-hostd/agent.sock";
    options.netdevs = {"veth-a", "veth-b"};
    options.netns_ops = ops_;
    flavor_ = std::make_unique<LxcFlavor>(options);
  }

  FtaLaunchSpec Spec(const std::string& id) {
    FtaLaunchSpec spec;
    spec.fta_id = id;
    spec.agent_endpoint = "ignored: containers dial the configured endpoint";
    spec.credentials_dir = root_ + "/credentials";
    return spec;
  }

  fta::testing::TempDir temp_{"fta-lxc-flavor"};
  std::string root_ = temp_.path();
  std::shared_ptr<FakeOps> ops_;
  std::unique_ptr<LxcFlavor> flavor_;
};

TEST_F(LxcFlavorTest, WritesTheIdentityFileReadableOnlyByRootAndKeepsTheTokenOutOfTheXml) {
  absl::StatusOr<std::string> xml = flavor_->Prepare(Spec("fta-1"), "fta-fta-1", {1});
  ASSERT_TRUE(xml.ok()) << xml.status();
  EXPECT_EQ(xml->find("s3cret"), std::string::npos);
  std::string path = flavor_->IdentityDir("fta-1") + "/identity";
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), "id=fta-1\nconnect=unix:/run/fta-hostd/agent.sock\ntoken=s3cret\n");
  struct stat info {};
  ASSERT_EQ(stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  ASSERT_TRUE(flavor_->Cleanup("fta-1").ok());
  EXPECT_FALSE(std::filesystem::exists(flavor_->IdentityDir("fta-1")));
  EXPECT_TRUE(flavor_->Cleanup("fta-1").ok());  // idempotent
}

TEST_F(LxcFlavorTest, HandsOutOneNetdevPerContainerAndMovesItInAfterStart) {
  ASSERT_TRUE(flavor_->Prepare(Spec("fta-1"), "fta-fta-1", {}).ok());
  ASSERT_TRUE(flavor_->Prepare(Spec("fta-2"), "fta-fta-2", {}).ok());
  EXPECT_EQ(flavor_->NetdevOf("fta-1"), "veth-a");
  EXPECT_EQ(flavor_->NetdevOf("fta-2"), "veth-b");
  absl::StatusOr<std::string> third = flavor_->Prepare(Spec("fta-3"), "fta-fta-3", {});
  EXPECT_EQ(third.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(third.status().message().find("container.netdevs"), std::string::npos) << third.status();

  ASSERT_TRUE(flavor_->SetUpNetwork("fta-1", "/proc/41/fd/7").ok());
  EXPECT_EQ(ops_->where["veth-a"], "/proc/41/fd/7");
  // The host's own namespace is refused.
  EXPECT_EQ(flavor_->SetUpNetwork("fta-2", "/proc/self/ns/net").code(), absl::StatusCode::kFailedPrecondition);

  // After a restart the holder is found inside the container's namespace.
  LxcOptions again;
  again.netdevs = {"veth-a", "veth-b"};
  again.netns_ops = ops_;
  again.state_dir = root_ + "/containers";
  LxcFlavor restarted(again);
  restarted.RelearnNetdev("fta-1", "/proc/41/fd/7");
  EXPECT_EQ(restarted.NetdevOf("fta-1"), "veth-a");
  ASSERT_TRUE(flavor_->Cleanup("fta-1").ok());
  EXPECT_EQ(flavor_->NetdevOf("fta-1"), "");
}

}  // namespace
}  // namespace fta::virt
