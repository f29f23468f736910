// Container FTAs for real: a private libvirtd with the LXC driver
// (tests/integration/vm/private-libvirtd.sh), fta-hostd's lxc backend, the
// agents as the containers' init dialing back over a unix socket, a veth
// end per container standing in for a VF's netdev, a job on the built-in
// engine, release leaving nothing behind, and adoption after kill -9.
// Prints the measured times as JSON lines ("container-bench: {...}").
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <net/if.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <map>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/integration/container_probe.h"
#include "tests/integration/hostd_harness.h"
#include "tests/integration/job_fixture.h"
#include "tests/integration/libvirt_fixture.h"

namespace fta::testing {
namespace {

using fta::v1::Fta;

constexpr char kLxcDriver[] = "/usr/lib/x86_64-linux-gnu/libvirt/connection-driver/libvirt_driver_lxc.so";

// RunCommand does not search PATH (and root's PATH may lack sbin).
std::string Tool(const std::string& name) {
  for (const char* dir : {"/usr/sbin/", "/usr/bin/", "/sbin/", "/bin/"}) {
    if (access((dir + name).c_str(), X_OK) == 0) return dir + name;
  }
  return name;
}

class ContainerTest : public PrivateLibvirtdTest {
 protected:
  static void SetUpTestSuite() {
    if (geteuid() != 0 || !std::filesystem::exists(kLxcDriver)) return;
    StartLibvirtd();
    uri_ = "lxc+unix:///system?socket=" + libvirt_dir_ + "/run/libvirt-sock";
  }

  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "the container tests start libvirtd and move netdevs: they need root";
    if (!std::filesystem::exists(kLxcDriver)) {
      GTEST_SKIP() << "libvirt's LXC driver is missing (" << kLxcDriver
                   << "): apt-get install libvirt-daemon-driver-lxc (scripts/install-deps.sh)";
    }
    ASSERT_NO_FATAL_FAILURE(ConnectToLibvirtd());
    // Two veth pairs: the host keeps one end, hostd moves the other into a
    // container (where a VF's IPoIB netdev would go). Short unique names.
    for (char which : {'a', 'b'}) {
      std::string name = "fc" + std::to_string(getpid() % 100000) + which;
      CommandResult made = RunCommand({Tool("ip"), "link", "add", name, "type", "veth", "peer", "name", name + "p"});
      ASSERT_EQ(made.exit_code, 0) << made.err;
      veths_.push_back(name);
    }
    data_dir_ = root_.path() + "/data";
    std::filesystem::create_directories(data_dir_);
    WriteConfig("lxc");
  }

  // Container FTAs on `backend`'s host: "lxc" (containers only) or
  // "process" with containers beside (mixed kinds).
  void WriteConfig(const std::string& backend) {
    std::ofstream(root_.path() + "/hostd.toml")
        << "[provisioner]\nbackend = \"" << backend << "\"\nstop_grace_s = 2\nreconcile_interval_s = 1\n"
        << "[guest]\nreserve_cores = 0\nreserve_memory_gib = 0\n"
        << "[container]\nuri = \"" << uri_ << "\"\nmemory_mib = 256\n"
        << "bind = [\"" << data_dir_ << "\"]\n"
        << "netdevs = [\"" << veths_[0] << "p\", \"" << veths_[1] << "p\"]\n";
  }

  void TearDown() override {
    if (hostd_) {
      (void)ReleaseFtas(hostd_->ftas(), {});
      if (HasFailure()) std::cerr << "---- fta-hostd log ----\n" << hostd_->log();
      hostd_->Stop();
    }
    for (const std::string& veth : veths_) RunCommand({Tool("ip"), "link", "del", veth});  // gone already when moved
    PrivateLibvirtdTest::TearDown();
  }

  std::unique_ptr<HostdProcess> StartHostd() {
    auto hostd = std::make_unique<HostdProcess>(root_.path(),
                                                std::vector<std::string>{"--config", root_.path() + "/hostd.toml"});
    EXPECT_TRUE(hostd->Start());
    return hostd;
  }

  std::vector<Fta> Allocate(int count, grpc::Status* status,
                            fta::v1::FtaKind kind = fta::v1::FTA_KIND_CONTAINER) {
    return AllocateFtas(hostd_->ftas(), count, kind, 60, status);
  }

  grpc::Status Release(const std::vector<std::string>& ids) { return ReleaseFtas(hostd_->ftas(), ids); }

  // The agent pid of each FTA id.
  std::map<std::string, pid_t> AgentPids() {
    std::map<std::string, pid_t> pids;
    for (const auto& [pid, id] : ContainerAgents()) pids[id] = pid;
    return pids;
  }

  std::string LibvirtdPid() {
    std::ifstream in(libvirt_dir_ + "/libvirtd.pid");
    std::string pid;
    in >> pid;
    return pid;
  }

  std::string data_dir_;
  std::vector<std::string> veths_;
};

TEST_F(ContainerTest, TwoContainersEachInItsOwnNetnsRunAJobAndLeaveNothingWhenReleased) {
  hostd_ = StartHostd();
  ASSERT_NE(hostd_, nullptr);
  TimedAllocation allocation =
      AllocateReady(hostd_->ftas(), 2, fta::v1::FTA_KIND_CONTAINER, fta::v1::BACKEND_LXC, 60);
  ASSERT_FALSE(HasFailure());
  const std::vector<Fta>& ftas = allocation.ftas;
  const std::vector<double>& start_to_connected = allocation.start_to_connected_seconds;
  const double allocate_seconds = allocation.seconds;
  EXPECT_EQ(DomainNames().size(), 2u);

  // Each agent is a container's init in a network namespace of its own,
  // holding one veth end, which the host no longer has.
  std::map<std::string, pid_t> agents = AgentPids();
  ASSERT_EQ(agents.size(), 2u) << "container agents found: " << agents.size();
  const uint64_t host_netns = NetnsInode("self");
  std::set<uint64_t> namespaces;
  std::set<std::string> held;
  for (const auto& [id, pid] : agents) {
    // One core of its own and the configured memory limit.
    std::string cores = StatusField(pid, "Cpus_allowed_list");
    EXPECT_EQ(cores.find_first_not_of("0123456789"), std::string::npos) << id << " may run on " << cores;
    std::string limit = CgroupFile("fta-" + id + ".", "memory.limit_in_bytes");  // cgroup v1
    if (limit.empty()) limit = CgroupFile("fta-" + id + ".", "memory.max");        // v2
    EXPECT_EQ(limit, std::to_string(256 << 20) + "\n") << id;
    uint64_t netns = NetnsInode(std::to_string(pid));
    EXPECT_NE(netns, host_netns) << id << " runs in the host's network namespace";
    namespaces.insert(netns);
    CommandResult links = RunCommand({Tool("nsenter"), "-t", std::to_string(pid), "-n", Tool("ip"), "-o", "link", "show"});
    ASSERT_EQ(links.exit_code, 0) << links.err;
    for (const std::string& veth : veths_) {
      if (links.out.find(veth + "p@") != std::string::npos) held.insert(veth + "p");
    }
  }
  EXPECT_EQ(namespaces.size(), 2u);
  EXPECT_EQ(held.size(), 2u) << "each container holds one veth end";
  for (const std::string& veth : veths_) EXPECT_EQ(if_nametoindex((veth + "p").c_str()), 0u) << veth;

  // A third one finds no free cores (2 per host here) or netdev: refused, nothing leaks.
  grpc::Status too_many;
  Allocate(static_cast<int>(sysconf(_SC_NPROCESSORS_ONLN)) - 1, &too_many);
  EXPECT_FALSE(too_many.ok());
  EXPECT_EQ(DomainNames().size(), 2u);

  // Write + read on the bind-mounted job directory, built-in engine.
  fta::v1::RunIorRequest request = WriteReadRequest(data_dir_, "256k", "4m");
  request.mutable_spec()->set_engine(fta::v1::ENGINE_BUILTIN);
  request.set_ready_timeout_s(60);
  std::vector<fta::v1::JobEvent> events;
  ASSERT_TRUE(RunJob(hostd_->jobs(), request, &events).ok());
  ASSERT_TRUE(!events.empty() && events.back().has_finished());
  EXPECT_EQ(events.back().finished().state(), fta::v1::JOB_STATE_COMPLETED) << events.back().finished().DebugString();

  auto release_start = std::chrono::steady_clock::now();
  ASSERT_TRUE(Release({ftas[0].id(), ftas[1].id()}).ok());
  double release_seconds = SecondsSince(release_start);
  EXPECT_TRUE(DomainNames().empty());
  for (const auto& [id, pid] : agents) EXPECT_NE(kill(pid, 0), 0) << id << "'s agent still runs";
  for (uint64_t netns : namespaces) EXPECT_TRUE(ProcessesInNetns(netns).empty()) << "netns " << netns << " is held";
  EXPECT_TRUE(AgentPids().empty());
  EXPECT_TRUE(CgroupsNamed("fta-fta-").empty());
  EXPECT_TRUE(MountsMentioning(LibvirtdPid(), "/containers/").empty());
  EXPECT_TRUE(MountsMentioning("self", "/containers/").empty());
  EXPECT_TRUE(std::filesystem::is_empty(hostd_->state_dir() + "/containers"));

  std::cout << "container-bench: {\"containers\": 2, \"allocate_seconds\": " << allocate_seconds
            << ", \"start_to_agent_connected_seconds\": [" << start_to_connected[0] << ", " << start_to_connected[1]
            << "], \"release_seconds\": " << release_seconds << "}" << std::endl;
}

TEST_F(ContainerTest, AfterKillNineTheRestartedDaemonAdoptsTheContainerAndDestroysOrphans) {
  hostd_ = StartHostd();
  ASSERT_NE(hostd_, nullptr);
  grpc::Status status;
  std::vector<Fta> ftas = Allocate(1, &status);
  ASSERT_TRUE(status.ok()) << status.error_message();
  std::string id = ftas[0].id();
  pid_t agent = AgentPids()[id];
  ASSERT_GT(agent, 0);

  hostd_->Kill();
  ASSERT_EQ(DomainNames().size(), 1u);  // containers outlive the daemon
  EXPECT_EQ(kill(agent, 0), 0);

  // An orphan: our metadata, an id the store never had.
  ASSERT_TRUE(DefineOrphanCopy(connection_, id, "orphan-9"));

  double readopt_seconds = 0;
  ASSERT_TRUE(RestartAndReadopt([this] { return StartHostd(); }, &hostd_, id, 60, &readopt_seconds));
  EXPECT_EQ(AgentPids()[id], agent);  // the same container, not a new one
  EXPECT_EQ(DomainNames(), std::vector<std::string>{"fta-" + id});  // the orphan is gone

  ASSERT_TRUE(Release({}).ok());
  EXPECT_TRUE(DomainNames().empty());
  EXPECT_NE(kill(agent, 0), 0);
  std::cout << "container-bench: {\"restart_to_adopted_agent_ready_seconds\": " << readopt_seconds << "}"
            << std::endl;
}

// Mixed kinds on one host: the process backend with containers beside it.
// Each allocation starts the kind asked for and lists as that kind; a kind
// the host has no backend for is refused naming `kind`.
TEST_F(ContainerTest, ProcessAndContainerFtasShareOneDaemonWithinCapacity) {
  WriteConfig("process");
  hostd_ = StartHostd();
  ASSERT_NE(hostd_, nullptr);
  grpc::Status status;
  std::vector<Fta> process = Allocate(1, &status, fta::v1::FTA_KIND_PROCESS);
  ASSERT_TRUE(status.ok()) << status.error_message();
  std::vector<Fta> containers = Allocate(2, &status, fta::v1::FTA_KIND_CONTAINER);
  ASSERT_TRUE(status.ok()) << status.error_message();
  Allocate(1, &status, fta::v1::FTA_KIND_VM);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(status.error_message().find("kind"), std::string::npos) << status.error_message();
  // Process FTAs hold no cores: one more still fits beside two containers.
  std::vector<Fta> second_process = Allocate(1, &status, fta::v1::FTA_KIND_UNSPECIFIED);  // the default backend's kind
  ASSERT_TRUE(status.ok()) << status.error_message();

  fta::v1::ListFtasRequest request;
  fta::v1::ListFtasResponse listed;
  auto context = ContextWithDeadline(60);
  ASSERT_TRUE(hostd_->ftas().ListFtas(context.get(), request, &listed).ok());
  std::map<std::string, fta::v1::FtaKind> kinds;
  for (const Fta& fta : listed.ftas()) kinds[fta.id()] = fta.kind();
  EXPECT_EQ(kinds[process[0].id()], fta::v1::FTA_KIND_PROCESS);
  EXPECT_EQ(kinds[second_process[0].id()], fta::v1::FTA_KIND_PROCESS);
  for (const Fta& fta : containers) {
    EXPECT_EQ(kinds[fta.id()], fta::v1::FTA_KIND_CONTAINER) << fta.id();
    EXPECT_EQ(fta.backend(), fta::v1::BACKEND_LXC) << fta.id();
  }
  EXPECT_EQ(DomainNames().size(), 2u);  // the process FTAs are no domains
  ASSERT_TRUE(Release({}).ok());
  EXPECT_TRUE(DomainNames().empty());
  EXPECT_TRUE(AgentPids().empty());
}

// The poster's comparison through ftactl: a tiny sweep over container FTAs
// and one over process FTAs in the same daemon's store, compared side by
// side, and one report drawing a line per kind.
TEST_F(ContainerTest, ContainerAndProcessSweepsCompareAndReportOneLinePerKind) {
  WriteConfig("process");
  hostd_ = StartHostd();
  ASSERT_NE(hostd_, nullptr);
  auto ftactl = [&](std::vector<std::string> args) {
    std::vector<std::string> argv = {FtactlBinary(), "--host", hostd_->control_target()};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCommand(argv);
  };
  std::vector<std::string> ids;
  for (const char* kind : {"container", "process"}) {
    CommandResult swept =
        ftactl({"sweep", "--kind", kind, "--vms", "1,2", "-t", "64k", "-b", "1m", "-d", data_dir_, "-o", "json"});
    ASSERT_EQ(swept.exit_code, 0) << kind << ": " << swept.out << swept.err;
    nlohmann::json sweep = nlohmann::json::parse(swept.out);
    EXPECT_EQ(sweep["state"], "completed") << swept.out;
    ids.push_back(sweep["id"]);
  }
  ASSERT_NE(ids[0], ids[1]);
  CommandResult refused = ftactl({"sweep", "--kind", "vm", "--vms", "1", "-t", "64k", "-b", "1m", "-d", data_dir_});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("FAILED_PRECONDITION"), std::string::npos) << refused.err;

  CommandResult compared = ftactl({"results", "compare", ids[0], ids[1]});
  ASSERT_EQ(compared.exit_code, 0) << compared.err;
  EXPECT_NE(compared.out.find(ids[0]), std::string::npos) << compared.out;
  EXPECT_NE(compared.out.find(ids[1]), std::string::npos) << compared.out;

  std::string out = root_.path() + "/report";
  CommandResult report = ftactl({"report", ids[0], ids[1], "--out", out});
  ASSERT_EQ(report.exit_code, 0) << report.err;
  for (const char* figure : {"/write.svg", "/read.svg"}) {
    std::ifstream in(out + figure);
    std::stringstream svg;
    svg << in.rdbuf();
    EXPECT_NE(svg.str().find("container -t 64"), std::string::npos) << figure;
    EXPECT_NE(svg.str().find("process -t 64"), std::string::npos) << figure;
  }
  EXPECT_TRUE(std::filesystem::exists(out + "/report.html"));
  ASSERT_TRUE(Release({}).ok());
  EXPECT_TRUE(DomainNames().empty());
}

}  // namespace
}  // namespace fta::testing
