// Real guests: a private libvirtd + virtlogd (tests/integration/vm/
// private-libvirtd.sh), the tiny test guest (deploy/guest/build-test-guest.sh,
// direct kernel boot, QEMU TCG or KVM when /dev/kvm works), fta-hostd with
// the libvirt backend, agents in the guests dialing back over QEMU user
// networking, an IOR job inside the guests, release, and reconcile after
// kill -9. Prints the measured times as JSON lines ("vm-bench: {...}").
#include <arpa/inet.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <gtest/gtest.h>

#include "lib/core/file_text.h"
#include "tests/integration/hostd_harness.h"
#include "tests/integration/job_fixture.h"
#include "tests/integration/libvirt_fixture.h"

namespace fta::testing {
namespace {

using fta::v1::Fta;

std::string SourceDir() { return FTA_SOURCE_DIR; }

class VmGuestTest : public PrivateLibvirtdTest {
 protected:
  static void SetUpTestSuite() {
    if (geteuid() != 0) return;
    guest_dir_ = std::string(FTA_BINARY_DIR) + "/vm-guest";
    CommandResult guest = RunCommand({SourceDir() + "/deploy/guest/build-test-guest.sh", guest_dir_,
                                      std::string(FTA_BINARY_DIR) + "/agent/fta-agent"});
    if (guest.exit_code != 0) {
      setup_error_ = "building the test guest failed:\n" + guest.out + guest.err;
      return;
    }
    StartLibvirtd();
  }

  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "the vm tests start libvirtd and need root";
    ASSERT_NO_FATAL_FAILURE(ConnectToLibvirtd());
    port_ = FreeTcpPort();
    std::ofstream(root_.path() + "/hostd.toml")
        << "[guest]\n"
        << "kernel = \"" << guest_dir_ << "/vmlinuz\"\n"
        << "initrd = \"" << guest_dir_ << "/initrd.img\"\n"
        << "cmdline = \"console=ttyS0 quiet\"\n"
        << "memory_mib = 512\ndisk_gib = 1\n"
        // TCG: /dev/kvm is absent in CI, and where it exists on these VMs
        // (nested) guests hang in early boot.
        << "domain_type = \"qemu\"\n"
        // Two guests on a 2-core CI machine: nothing reserved.
        << "reserve_cores = 0\nreserve_memory_gib = 0\n"
        // Reconcile every second while guests run: it must never take a
        // healthy guest for a vanished one.
        << "[provisioner]\nstop_grace_s = 2\nreconcile_interval_s = 1\n"
        << "[agents]\nconnect_timeout_s = 180\n";
  }

  void TearDown() override {
    if (hostd_) {
      hostd_->ReleaseAll(120);
      if (HasFailure()) std::cerr << "---- fta-hostd log ----\n" << hostd_->log();
      hostd_->Stop();
    }
    if (HasFailure()) {
      for (const auto& entry : std::filesystem::directory_iterator(root_.path() + "/state/logs", ignored_)) {
        std::string tail = ReadFileOrEmpty(entry.path().string());
        if (tail.size() > 3000) tail = tail.substr(tail.size() - 3000);
        std::cerr << "---- " << entry.path().filename().string() << " (tail) ----\n" << tail << "\n";
      }
    }
    PrivateLibvirtdTest::TearDown();
  }

  std::unique_ptr<HostdProcess> StartHostd() {
    auto hostd = std::make_unique<HostdProcess>(
        root_.path(), std::vector<std::string>{"--config", root_.path() + "/hostd.toml", "--backend", "libvirt",
                                               "--libvirt-uri", uri_, "--agent-listen",
                                               "127.0.0.1:" + std::to_string(port_)});
    EXPECT_TRUE(hostd->Start());
    return hostd;
  }

  std::vector<Fta> Allocate(int count, grpc::Status* status) {
    return AllocateFtas(hostd_->ftas(), count, fta::v1::FTA_KIND_VM, 180, status);
  }

  std::vector<std::string> Overlays() {
    std::vector<std::string> files;
    for (const auto& entry : std::filesystem::directory_iterator(root_.path() + "/state/guests", ignored_)) {
      files.push_back(entry.path().filename().string());
    }
    return files;
  }

  static std::string guest_dir_;

  int port_ = 0;
  std::error_code ignored_;
};

std::string VmGuestTest::guest_dir_;

TEST_F(VmGuestTest, TwoGuestsBootRunAnIorJobInsideAndLeaveNothingWhenReleased) {
  hostd_ = StartHostd();
  ASSERT_NE(hostd_, nullptr);

  TimedAllocation allocation = AllocateReady(hostd_->ftas(), 2, fta::v1::FTA_KIND_VM, fta::v1::BACKEND_LIBVIRT, 180);
  ASSERT_FALSE(HasFailure());
  const std::vector<Fta>& ftas = allocation.ftas;
  const std::vector<double>& boot_to_connected = allocation.start_to_connected_seconds;
  const double allocate_seconds = allocation.seconds;
  for (const Fta& fta : ftas) EXPECT_EQ(fta.hostname(), fta.id());  // the guest's init named itself after its FTA id
  std::vector<std::string> domains = DomainNames();
  EXPECT_EQ(domains.size(), 2u);
  EXPECT_EQ(Overlays().size(), 4u);  // per guest: its overlay and its seed (the FTA's secrets)

  // Asking for more than the host has cores for (nothing reserved here) is
  // refused up front, saying why.
  int host_cores = static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN));
  grpc::Status too_many;
  Allocate(host_cores - 2 + 1, &too_many);
  EXPECT_EQ(too_many.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << too_many.error_message();
  if (host_cores <= 16) {
    EXPECT_NE(too_many.error_message().find("reserved"), std::string::npos) << too_many.error_message();
  }
  EXPECT_EQ(DomainNames().size(), 2u);

  // Write + read inside the guests, on their own tmpfs: the host has no
  // /fta-data, so this also proves the directory is checked by the agents.
  fta::v1::RunIorRequest request = WriteReadRequest("/fta-data", "256k", "4m");
  request.set_ready_timeout_s(120);
  std::vector<fta::v1::JobEvent> events;
  auto job_start = std::chrono::steady_clock::now();
  grpc::Status job_status = RunJob(hostd_->jobs(), request, &events);
  double job_seconds = SecondsSince(job_start);
  ASSERT_TRUE(job_status.ok()) << job_status.error_message();
  ASSERT_FALSE(events.empty());
  ASSERT_TRUE(events.back().has_finished());
  const fta::v1::Job& job = events.back().finished();
  EXPECT_EQ(job.state(), fta::v1::JOB_STATE_COMPLETED) << job.DebugString();

  // A directory missing inside the guests fails the job naming it.
  request.mutable_spec()->set_directory("/no-such-dir");
  events.clear();
  ASSERT_TRUE(RunJob(hostd_->jobs(), request, &events).ok());
  ASSERT_TRUE(!events.empty() && events.back().has_finished());
  EXPECT_EQ(events.back().finished().state(), fta::v1::JOB_STATE_FAILED);
  EXPECT_NE(events.back().finished().DebugString().find("/no-such-dir"), std::string::npos);

  // The host's own baseline agent stays a host process under the libvirt
  // backend: a native job runs on the host's filesystem and starts no guest.
  std::string host_dir = root_.path() + "/native-data";
  std::filesystem::create_directories(host_dir);
  request.clear_on();
  request.add_on("native");
  request.mutable_spec()->set_directory(host_dir);
  events.clear();
  ASSERT_TRUE(RunJob(hostd_->jobs(), request, &events).ok());
  ASSERT_TRUE(!events.empty() && events.back().has_finished());
  EXPECT_EQ(events.back().finished().state(), fta::v1::JOB_STATE_COMPLETED) << events.back().finished().DebugString();
  EXPECT_EQ(DomainNames().size(), 2u);

  auto release_start = std::chrono::steady_clock::now();
  fta::v1::ReleaseFtasRequest release;
  for (const Fta& fta : ftas) release.add_ids(fta.id());
  fta::v1::ReleaseFtasResponse released;
  auto context = ContextWithDeadline(120);
  ASSERT_TRUE(hostd_->ftas().ReleaseFtas(context.get(), release, &released).ok());
  double release_seconds = SecondsSince(release_start);
  EXPECT_EQ(released.released_size(), 2);
  EXPECT_TRUE(DomainNames().empty());
  EXPECT_TRUE(Overlays().empty());
  fta::v1::ListFtasRequest list_request;
  list_request.set_include_released(true);
  fta::v1::ListFtasResponse listed;
  auto list_context = ContextWithDeadline(30);
  ASSERT_TRUE(hostd_->ftas().ListFtas(list_context.get(), list_request, &listed).ok());
  for (const Fta& fta : listed.ftas()) {
    if (fta.kind() == fta::v1::FTA_KIND_NATIVE) continue;  // the host agent stays
    EXPECT_EQ(fta.state(), fta::v1::FTA_STATE_RELEASED) << fta.id();
    EXPECT_TRUE(fta.vf().empty()) << fta.id() << " still holds VF " << fta.vf();
  }

  std::cout << "vm-bench: {\"guests\": 2, \"domain_type\": \""
            << (hostd_->log().find("domain type kvm") != std::string::npos ? "kvm" : "qemu")
            << "\", \"allocate_seconds\": " << allocate_seconds << ", \"boot_to_agent_connected_seconds\": ["
            << boot_to_connected[0] << ", " << boot_to_connected[1] << "], \"ior_write_read_job_seconds\": "
            << job_seconds << ", \"release_seconds\": " << release_seconds << "}" << std::endl;
}

TEST_F(VmGuestTest, AfterKillNineTheRestartedDaemonAdoptsTheRunningGuestAndDestroysOrphans) {
  hostd_ = StartHostd();
  ASSERT_NE(hostd_, nullptr);
  grpc::Status status;
  std::vector<Fta> ftas = Allocate(1, &status);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(ftas.size(), 1u);
  std::string id = ftas[0].id();

  hostd_->Kill();
  ASSERT_EQ(DomainNames().size(), 1u);  // guests outlive the daemon

  // An orphan: our metadata, an id the store never had (what a crash between
  // defining a guest and recording it would leave).
  ASSERT_TRUE(DefineOrphanCopy(connection_, id, "orphan-9"));

  double readopt_seconds = 0;
  ASSERT_TRUE(RestartAndReadopt([this] { return StartHostd(); }, &hostd_, id, 120, &readopt_seconds));

  std::vector<std::string> domains = DomainNames();
  EXPECT_EQ(domains, std::vector<std::string>{"fta-" + id});  // the orphan is gone, ours lives

  fta::v1::ListFtasRequest list_request;
  list_request.set_include_released(true);
  fta::v1::ListFtasResponse listed;
  auto list_context = ContextWithDeadline(30);
  ASSERT_TRUE(hostd_->ftas().ListFtas(list_context.get(), list_request, &listed).ok());
  bool orphan_listed = false;
  for (const Fta& fta : listed.ftas()) {
    if (fta.id() != "orphan-9") continue;
    orphan_listed = true;
    EXPECT_EQ(fta.state(), fta::v1::FTA_STATE_RELEASED);
    EXPECT_NE(fta.last_error().find("orphan"), std::string::npos) << fta.last_error();
  }
  EXPECT_TRUE(orphan_listed);

  ASSERT_TRUE(ReleaseFtas(hostd_->ftas(), {}).ok());
  EXPECT_TRUE(DomainNames().empty());
  EXPECT_TRUE(Overlays().empty());
  std::cout << "vm-bench: {\"restart_to_adopted_agent_ready_seconds\": " << readopt_seconds << "}" << std::endl;
}

}  // namespace
}  // namespace fta::testing
