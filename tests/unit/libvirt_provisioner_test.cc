// The libvirt backend against libvirt's in-process test:///default driver:
// real libvirt API calls, real domain XML, real events, no hypervisor.
#include "lib/virt/libvirt_provisioner.h"

#include <libvirt/libvirt.h>

#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>

#include <gtest/gtest.h>

#include "lib/config/config.h"
#include "lib/daemon/libvirt_backend.h"
#include "tests/unit/fakes/temp_dir.h"

namespace fta::virt {
namespace {

class LibvirtProvisionerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(root_ + "/credentials");
    std::ofstream(root_ + "/credentials/token") << "feedface\n";
    // Our own handle on the shared test driver: it keeps the driver state
    // alive across provisioners and lets the test act behind their back.
    connection_ = virConnectOpen("test:///default");
    ASSERT_NE(connection_, nullptr);
  }
  void TearDown() override {
    if (connection_) virConnectClose(connection_);
  }

  LibvirtProvisionerOptions Options(const std::string& owner = "fta-hostd:/test") {
    LibvirtProvisionerOptions options;
    options.uri = "test:///default";
    options.guest.domain_type = "test";
    options.guest.memory_mib = 256;
    options.guest.disk_gib = 1;
    options.guest.kernel = root_ + "/vmlinuz";
    options.guest.initrd = root_ + "/initrd.img";
    options.owner = owner;
    options.image_dir = root_ + "/guests";
    options.log_dir = root_ + "/logs";
    options.guest_agent_endpoint = "10.0.2.2:7070";
    options.planner = &planner_;
    options.clock = &clock_;
    return options;
  }

  std::unique_ptr<LibvirtProvisioner> Make(LibvirtProvisionerOptions options) {
    absl::StatusOr<std::unique_ptr<LibvirtProvisioner>> provisioner = LibvirtProvisioner::Create(std::move(options));
    EXPECT_TRUE(provisioner.ok()) << provisioner.status();
    return provisioner.ok() ? std::move(*provisioner) : nullptr;
  }

  // The live XML of domain `name` ("" when there is no such domain).
  std::string DomainXml(const std::string& name) {
    virDomainPtr domain = virDomainLookupByName(connection_, name.c_str());
    if (domain == nullptr) return "";
    char* xml = virDomainGetXMLDesc(domain, 0);
    std::string text = xml ? xml : "";
    free(xml);
    virDomainFree(domain);
    return text;
  }

  RealClock clock_;  // stop deadlines against a real (test:///) libvirt

  FtaLaunchSpec Spec(const std::string& id) { return FtaLaunchSpec{id, "127.0.0.1:7070", root_ + "/credentials", "", ""}; }

  bool DomainExists(const std::string& name) {
    virDomainPtr domain = virDomainLookupByName(connection_, name.c_str());
    if (domain) virDomainFree(domain);
    return domain != nullptr;
  }

  fta::testing::TempDir temp_{"fta-libvirt-test"};
  std::string root_ = temp_.path();
  virConnectPtr connection_ = nullptr;
  CapacityPlanner planner_{{4, 64 * 1024}, {1, 256}, {1, 0}};
};

TEST_F(LibvirtProvisionerTest, ImageBootedGuestGetsANoCloudSeedThatGoesWithIt) {
  const std::string base = root_ + "/base.qcow2";
  ASSERT_EQ(std::system(("qemu-img create -q -f qcow2 " + base + " 64M").c_str()), 0);
  LibvirtProvisionerOptions options = Options();
  options.guest.kernel.clear();
  options.guest.initrd.clear();
  options.guest.base_image = base;
  auto provisioner = Make(options);
  ASSERT_NE(provisioner, nullptr);
  ASSERT_TRUE(provisioner->Start(Spec("lv-9")).ok());
  const std::string seed = provisioner->SeedIsoPath("lv-9");
  EXPECT_TRUE(std::filesystem::exists(seed));
  std::string text = DomainXml("fta-lv-9");
  ASSERT_FALSE(text.empty());
  EXPECT_NE(text.find("device='cdrom'"), std::string::npos) << text;
  EXPECT_NE(text.find(seed), std::string::npos) << text;
  ASSERT_TRUE(provisioner->Stop("lv-9", absl::ZeroDuration()).ok());
  EXPECT_FALSE(std::filesystem::exists(seed));
  EXPECT_FALSE(std::filesystem::exists(provisioner->OverlayPath("lv-9")));
}

TEST_F(LibvirtProvisionerTest, StartDefinesAndRunsAPinnedGuestCarryingOurMetadata) {
  auto provisioner = Make(Options());
  ASSERT_NE(provisioner, nullptr);
  absl::StatusOr<FtaInstance> instance = provisioner->Start(Spec("lv-1"));
  ASSERT_TRUE(instance.ok()) << instance.status();
  EXPECT_GT(instance->pid, 0);  // the domain id
  EXPECT_TRUE(provisioner->IsRunning("lv-1"));
  EXPECT_TRUE(std::filesystem::exists(provisioner->OverlayPath("lv-1")));

  std::string text = DomainXml("fta-lv-1");
  ASSERT_FALSE(text.empty());
  EXPECT_NE(text.find("owner=\"fta-hostd:/test\""), std::string::npos) << text;
  EXPECT_NE(text.find("fta.id=lv-1 fta.connect=10.0.2.2:7070"), std::string::npos) << text;
  // The secret is on the seed only, never in the domain (cmdline, SMBIOS).
  EXPECT_EQ(text.find("feedface"), std::string::npos) << text;
  EXPECT_NE(text.find(provisioner->SeedIsoPath("lv-1")), std::string::npos) << text;
  EXPECT_NE(text.find("<vcpupin vcpu='0' cpuset='1'/>"), std::string::npos) << text;

  absl::StatusOr<std::vector<std::string>> owned = provisioner->ListOwned();
  ASSERT_TRUE(owned.ok());
  EXPECT_NE(std::find(owned->begin(), owned->end(), "lv-1"), owned->end());
  EXPECT_EQ(provisioner->Start(Spec("lv-1")).status().code(), absl::StatusCode::kAlreadyExists);

  ASSERT_TRUE(provisioner->Stop("lv-1", absl::Milliseconds(100)).ok());
  EXPECT_FALSE(DomainExists("fta-lv-1"));
  EXPECT_FALSE(std::filesystem::exists(provisioner->OverlayPath("lv-1")));
  EXPECT_EQ(planner_.GuestsHoldingCores(), 0);
  EXPECT_TRUE(provisioner->Stop("lv-1", absl::ZeroDuration()).ok());  // idempotent
}

TEST_F(LibvirtProvisionerTest, AGuestDestroyedBehindOurBackIsReportedThroughTheLifecycleEvent) {
  auto provisioner = Make(Options());
  ASSERT_NE(provisioner, nullptr);
  std::mutex mu;
  std::condition_variable cv;
  std::vector<FtaExit> exits;
  provisioner->SetExitHandler([&](const FtaExit& exit) {
    std::lock_guard<std::mutex> lock(mu);
    exits.push_back(exit);
    cv.notify_all();
  });
  ASSERT_TRUE(provisioner->Start(Spec("lv-2")).ok());
  virDomainPtr domain = virDomainLookupByName(connection_, "fta-lv-2");
  ASSERT_NE(domain, nullptr);
  ASSERT_EQ(virDomainDestroy(domain), 0);
  virDomainFree(domain);
  {
    std::unique_lock<std::mutex> lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(30), [&] { return !exits.empty(); }));
    EXPECT_EQ(exits[0].fta_id, "lv-2");
    EXPECT_NE(exits[0].description.find("destroyed"), std::string::npos) << exits[0].description;
  }
  // Releasing it afterwards still cleans up the definition and overlay.
  ASSERT_TRUE(provisioner->Stop("lv-2", absl::ZeroDuration()).ok());
  EXPECT_FALSE(DomainExists("fta-lv-2"));
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(exits.size(), 1u);  // an asked-for stop is not an exit
}

TEST_F(LibvirtProvisionerTest, ARestartedProvisionerAdoptsItsGuestByMetadataOnly) {
  {
    auto first = Make(Options());
    ASSERT_NE(first, nullptr);
    ASSERT_TRUE(first->Start(Spec("lv-3")).ok());
  }  // the daemon "dies"; the guest lives on
  ASSERT_TRUE(DomainExists("fta-lv-3"));
  planner_.ReleaseCores("lv-3");  // a fresh daemon starts with a fresh planner

  auto stranger = Make(Options("fta-hostd:/someone-else"));
  ASSERT_NE(stranger, nullptr);
  EXPECT_EQ(stranger->Adopt("lv-3", 0).code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(stranger->ListOwned()->empty());
  EXPECT_EQ(stranger->Stop("lv-3", absl::ZeroDuration()).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(DomainExists("fta-lv-3"));

  auto second = Make(Options());
  ASSERT_NE(second, nullptr);
  ASSERT_TRUE(second->Adopt("lv-3", 0).ok());
  EXPECT_TRUE(second->IsRunning("lv-3"));
  EXPECT_EQ(planner_.GuestsHoldingCores(), 1);  // the adopted guest's pinned core
  EXPECT_EQ(second->Adopt("lv-404", 0).code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE(second->Stop("lv-3", absl::ZeroDuration()).ok());
  EXPECT_FALSE(DomainExists("fta-lv-3"));
}

TEST_F(LibvirtProvisionerTest, NoFreeCoreRefusesStartAndLeavesNothingBehind) {
  CapacityPlanner one_guest({2, 64 * 1024}, {1, 256}, {1, 0});
  LibvirtProvisionerOptions options = Options();
  options.planner = &one_guest;
  auto provisioner = Make(options);
  ASSERT_NE(provisioner, nullptr);
  ASSERT_TRUE(provisioner->Start(Spec("lv-4")).ok());
  EXPECT_EQ(provisioner->Start(Spec("lv-5")).status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_FALSE(DomainExists("fta-lv-5"));
  EXPECT_FALSE(std::filesystem::exists(provisioner->OverlayPath("lv-5")));
  ASSERT_TRUE(provisioner->Stop("lv-4", absl::ZeroDuration()).ok());
}

TEST_F(LibvirtProvisionerTest, UnreachableLibvirtIsAFailedPreconditionNamingTheUri) {
  LibvirtProvisionerOptions options = Options();
  options.uri = "qemu+unix:///system?socket=" + root_ + "/no-such.sock";
  absl::StatusOr<std::unique_ptr<LibvirtProvisioner>> provisioner = LibvirtProvisioner::Create(options);
  EXPECT_EQ(provisioner.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(provisioner.status().message().find("libvirt.uri"), std::string::npos);
}

TEST(LibvirtBackendConfigTest, GuestsDialTheHostThroughQemuUserNetworking) {
  hostd::HostdConfig config = hostd::DefaultConfig();
  config.agent_listen = "127.0.0.1:7070";
  EXPECT_EQ(hostd::GuestAgentEndpoint(config), "10.0.2.2:7070");
  config.agent_listen = "192.168.1.5:7070";
  EXPECT_EQ(hostd::GuestAgentEndpoint(config), "192.168.1.5:7070");
  config.guest_agent_endpoint = "hostd.example:9";
  EXPECT_EQ(hostd::GuestAgentEndpoint(config), "hostd.example:9");
  EXPECT_EQ(hostd::ResolveDomainType("auto", "/nonexistent/kvm"), "qemu");
  EXPECT_EQ(hostd::ResolveDomainType("kvm", "/nonexistent/kvm"), "kvm");
}

TEST(LibvirtBackendConfigTest, LibvirtBackendNeedsABootSourceAndATcpAgentEndpoint) {
  hostd::HostdConfig config = hostd::DefaultConfig();
  config.backend = "libvirt";
  absl::Status status = hostd::ValidateConfig(config);
  EXPECT_NE(status.message().find("guest.base_image"), std::string::npos) << status;
  config.guest_kernel = "/k";
  config.guest_initrd = "/i";
  status = hostd::ValidateConfig(config);
  EXPECT_NE(status.message().find("agents.listen"), std::string::npos) << status;
  config.agent_listen = "127.0.0.1:7070";
  EXPECT_TRUE(hostd::ValidateConfig(config).ok());
  ASSERT_TRUE(hostd::MergeTomlText("[guest]\nvcpus = 2\nreserve_cores = 0\ndomain_type = \"qemu\"\n", "t", &config).ok());
  EXPECT_EQ(config.guest_vcpus, 2);
  EXPECT_EQ(config.guest_reserve_cores, 0);
  config.guest_domain_type = "xen";
  EXPECT_NE(hostd::ValidateConfig(config).message().find("guest.domain_type"), std::string::npos);
}

}  // namespace
}  // namespace fta::virt
