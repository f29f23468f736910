// fta-hostd killed with SIGKILL at awkward moments: the restarted daemon
// must tell the truth about jobs that were running, adopt the FTAs that
// outlived it, and leave no orphan agent behind.
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "tests/integration/hostd_harness.h"

namespace fta::testing {
namespace {

// fta ids of the fta-agent processes on this host dialing `endpoint`.
std::map<std::string, pid_t> AgentProcesses(const std::string& endpoint) {
  std::map<std::string, pid_t> found;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    pid_t pid = static_cast<pid_t>(atoi(entry.path().filename().c_str()));
    if (pid <= 0) continue;
    std::ifstream in(entry.path() / "cmdline", std::ios::binary);
    std::vector<std::string> args;
    for (std::string arg; std::getline(in, arg, '\0');) args.push_back(arg);
    std::string id, connect;
    for (size_t i = 0; i + 1 < args.size(); ++i) {
      if (args[i] == "--id") id = args[i + 1];
      if (args[i] == "--connect") connect = args[i + 1];
    }
    if (!args.empty() && args[0].find("fta-agent") != std::string::npos && connect == endpoint) found[id] = pid;
  }
  return found;
}

class CrashTest : public ::testing::Test {
 protected:
  void SetUp() override {
    hostd_ = std::make_unique<HostdProcess>(root_.path());
    ASSERT_TRUE(hostd_->Start());
    endpoint_ = "unix:" + root_.path() + "/agent.sock";
    std::filesystem::create_directories(root_.path() + "/data");
  }
  void TearDown() override {
    if (hostd_) hostd_->ReleaseAll();
    if (hostd_) hostd_->Stop();
    for (const auto& [id, pid] : AgentProcesses(endpoint_)) kill(pid, SIGKILL);
  }

  fta::v1::RunIorRequest LongJob() {
    fta::v1::RunIorRequest request;
    request.add_on("all");
    request.mutable_spec()->set_transfer_size("64k");
    request.mutable_spec()->set_block_size("4m");
    request.mutable_spec()->set_iterations(5000);
    request.mutable_spec()->set_directory(root_.path() + "/data");
    return request;
  }

  grpc::Status WaitReady(fta::v1::WaitFtasReadyResponse* ready) {
    fta::v1::WaitFtasReadyRequest wait;
    wait.set_timeout_s(60);
    auto context = ContextWithDeadline(90);
    return hostd_->ftas().WaitFtasReady(context.get(), wait, ready);
  }

  TempDir root_;
  std::string endpoint_;
  std::unique_ptr<HostdProcess> hostd_;
};

TEST_F(CrashTest, JobRunningAtTheCrashIsFailedAndFtasAreAdopted) {
  fta::v1::AllocateFtasRequest allocate;
  allocate.set_count(2);
  fta::v1::AllocateFtasResponse allocated;
  auto context = ContextWithDeadline(120);
  ASSERT_TRUE(hostd_->ftas().AllocateFtas(context.get(), allocate, &allocated).ok());

  auto job_context = ContextWithDeadline(300);
  auto reader = hostd_->jobs().RunIor(job_context.get(), LongJob());
  fta::v1::JobEvent event;
  std::string job_id;
  while (reader->Read(&event)) {
    if (event.has_started()) job_id = event.started().id();
    if (event.has_phase_finished()) break;  // mid-job, certainly
  }
  ASSERT_FALSE(job_id.empty());
  hostd_->Kill();
  job_context->TryCancel();
  (void)reader->Finish();

  ASSERT_TRUE(hostd_->Start());
  fta::v1::GetJobRequest get;
  get.set_id(job_id);
  fta::v1::Job job;
  auto get_context = ContextWithDeadline(30);
  ASSERT_TRUE(hostd_->jobs().GetJob(get_context.get(), get, &job).ok());
  EXPECT_EQ(job.state(), fta::v1::JOB_STATE_FAILED);
  EXPECT_NE(job.error().find("interrupted"), std::string::npos) << job.error();
  EXPECT_GE(job.aggregates_size(), 1) << "what was measured before the crash is kept";

  fta::v1::WaitFtasReadyResponse ready;
  grpc::Status waited = WaitReady(&ready);
  ASSERT_TRUE(waited.ok()) << waited.error_message();
  ASSERT_EQ(ready.ftas_size(), 2);
  for (int i = 0; i < 2; ++i) EXPECT_EQ(ready.ftas(i).pid(), allocated.ftas(i).pid()) << "adopted, not restarted";

  // The adopted agents dropped the dead job and take a new one.
  fta::v1::RunIorRequest again = LongJob();
  again.mutable_spec()->set_iterations(1);
  std::vector<fta::v1::JobEvent> events;
  ASSERT_TRUE(RunJob(hostd_->jobs(), again, &events).ok());
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().finished().state(), fta::v1::JOB_STATE_COMPLETED) << events.back().finished().error();
}

TEST_F(CrashTest, CrashDuringAllocationLeavesNoOrphanAgent) {
  // Allocate from another thread and kill the daemon as soon as the first
  // agent process exists: its pid may or may not be recorded yet.
  std::thread allocating([this] {
    fta::v1::AllocateFtasRequest allocate;
    allocate.set_count(3);
    fta::v1::AllocateFtasResponse allocated;
    auto context = ContextWithDeadline(60);
    (void)hostd_->ftas().AllocateFtas(context.get(), allocate, &allocated);
  });
  bool spawned = false;
  for (int attempt = 0; attempt < 2'000'000 && !spawned; ++attempt) {
    spawned = !AgentProcesses(endpoint_).empty();
    if (!spawned) std::this_thread::yield();
  }
  hostd_->Kill();
  allocating.join();
  ASSERT_TRUE(spawned) << "no agent was ever started";

  ASSERT_TRUE(hostd_->Start());
  fta::v1::WaitFtasReadyResponse ready;
  grpc::Status waited = WaitReady(&ready);
  ASSERT_TRUE(waited.ok()) << waited.error_message();
  std::set<std::string> active;
  for (const auto& fta : ready.ftas()) active.insert(fta.id());

  // Every agent process still dialing this daemon belongs to an active FTA:
  // the others were killed by reconcile (or exited when refused).
  fta::v1::ListFtasResponse all;
  fta::v1::ListFtasRequest list;
  list.set_include_released(true);
  auto list_context = ContextWithDeadline(30);
  ASSERT_TRUE(hostd_->ftas().ListFtas(list_context.get(), list, &all).ok());
  for (const auto& [id, pid] : AgentProcesses(endpoint_)) {
    if (active.count(id) > 0) continue;
    // A refused agent exits on its own; wait for it (bounded) via its pidfd-free
    // way: kill(pid, 0) until it fails.
    bool gone = false;
    for (int attempt = 0; attempt < 2'000'000 && !gone; ++attempt) {
      gone = kill(pid, 0) != 0 || AgentProcesses(endpoint_).count(id) == 0;
      if (!gone) std::this_thread::yield();
    }
    EXPECT_TRUE(gone) << id << " (pid " << pid << ") is an orphan agent of no active FTA";
  }
  // The daemon serves normally afterwards.
  fta::v1::RunIorRequest job = LongJob();
  job.mutable_spec()->set_iterations(1);
  if (!active.empty()) {
    std::vector<fta::v1::JobEvent> events;
    ASSERT_TRUE(RunJob(hostd_->jobs(), job, &events).ok());
    EXPECT_EQ(events.back().finished().state(), fta::v1::JOB_STATE_COMPLETED);
  }
}

}  // namespace
}  // namespace fta::testing
