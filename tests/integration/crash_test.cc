// fta-hostd killed with SIGKILL at awkward moments: the restarted daemon
// must tell the truth about jobs that were running, adopt the FTAs that
// outlived it, and leave no orphan agent behind.
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <thread>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "tests/integration/hostd_harness.h"
#include "tests/integration/job_fixture.h"

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
    fta::v1::RunIorRequest request = WriteReadRequest(root_.path() + "/data", "64k", "4m");
    request.mutable_spec()->set_iterations(5000);
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
  const std::vector<fta::v1::Fta> allocated = AllocateFtas(*hostd_, 2);
  ASSERT_EQ(allocated.size(), 2u);

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
  fta::v1::Job job = StoredJob(*hostd_, job_id);
  EXPECT_EQ(job.state(), fta::v1::JOB_STATE_FAILED);
  EXPECT_NE(job.error().find("interrupted"), std::string::npos) << job.error();
  EXPECT_GE(job.aggregates_size(), 1) << "what was measured before the crash is kept";

  fta::v1::WaitFtasReadyResponse ready;
  grpc::Status waited = WaitReady(&ready);
  ASSERT_TRUE(waited.ok()) << waited.error_message();
  ASSERT_EQ(ready.ftas_size(), 2);
  for (int i = 0; i < 2; ++i) EXPECT_EQ(ready.ftas(i).pid(), allocated[i].pid()) << "adopted, not restarted";

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
    fta::v1::AllocateFtasResponse allocated;
    (void)hostd_->Allocate(3, &allocated, fta::v1::FTA_KIND_UNSPECIFIED, 60);
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

// Every job stored, all pages.
std::vector<fta::v1::Job> AllJobs(HostdProcess& hostd) {
  std::vector<fta::v1::Job> jobs;
  fta::v1::ListJobsRequest list;
  list.set_page_size(1000);
  do {
    fta::v1::ListJobsResponse page;
    auto context = ContextWithDeadline(30);
    if (!hostd.jobs().ListJobs(context.get(), list, &page).ok()) break;
    jobs.insert(jobs.end(), page.jobs().begin(), page.jobs().end());
    list.set_page_token(page.next_page_token());
  } while (!list.page_token().empty());
  return jobs;
}

int FilesUnder(const std::string& dir) {
  int count = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) count += entry.is_regular_file();
  return count;
}

std::string IntegrityCheck(const std::string& database) {
  sqlite3* db = nullptr;
  std::string result = "cannot open";
  if (sqlite3_open_v2(database.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
      result = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
  return result;
}

// Spins (bounded) until `done` holds; no fixed sleep.
template <typename Done>
bool SpinUntil(Done done) {
  for (int attempt = 0; attempt < 2'000'000; ++attempt) {
    if (done()) return true;
    std::this_thread::yield();
  }
  return false;
}

// kill -9 at awkward moments, over and over: during an allocation, while a
// job writes or reads, during a release, right after a start. Afterwards
// nothing may be left: no orphan agent, no FTA that claims a dead agent, no
// job stuck RUNNING, a sound database and no job files.
TEST_F(CrashTest, HundredKillCyclesLeaveNothingBehind) {
  constexpr int kCycles = 100;
  int jobs_killed = 0;
  for (int cycle = 0; cycle < kCycles; ++cycle) {
    if (cycle > 0) ASSERT_TRUE(hostd_->Start()) << "cycle " << cycle;
    fta::v1::ListFtasResponse active;
    auto list_context = ContextWithDeadline(30);
    ASSERT_TRUE(hostd_->ftas().ListFtas(list_context.get(), fta::v1::ListFtasRequest(), &active).ok());
    const int kind = cycle % 4;
    if (kind == 0 && active.ftas_size() < 3) {  // during an allocation
      const size_t before = AgentProcesses(endpoint_).size();
      std::thread allocating([this] {
        fta::v1::AllocateFtasResponse allocated;
        (void)hostd_->Allocate(1, &allocated, fta::v1::FTA_KIND_UNSPECIFIED, 30);
      });
      SpinUntil([&] { return AgentProcesses(endpoint_).size() > before; });
      hostd_->Kill();
      allocating.join();
      continue;
    }
    if (kind == 1) {  // while a job writes or reads (agents reconnect with backoff: the slow cycles)
      fta::v1::WaitFtasReadyResponse ready;
      if (WaitReady(&ready).ok() && ready.ftas_size() == 0) {
        // Every allocation so far was killed before its FTA was recorded
        // (how often depends on the machine's speed): allocate one to the
        // end, so a job is killed in every such cycle on every machine.
        fta::v1::AllocateFtasResponse allocated;
        ASSERT_TRUE(hostd_->Allocate(1, &allocated, fta::v1::FTA_KIND_UNSPECIFIED, 30).ok()) << "cycle " << cycle;
        ready.Clear();
        ASSERT_TRUE(WaitReady(&ready).ok()) << "cycle " << cycle;
      }
      if (ready.ftas_size() == 0) {
        hostd_->Kill();
        continue;
      }
      auto job_context = ContextWithDeadline(120);
      auto reader = hostd_->jobs().RunIor(job_context.get(), LongJob());
      fta::v1::JobEvent event;
      while (reader->Read(&event)) {
        if (cycle % 2 == 0 ? event.has_progress() : event.has_phase_finished()) break;
      }
      hostd_->Kill();
      ++jobs_killed;
      job_context->TryCancel();
      (void)reader->Finish();
      continue;
    }
    if (kind == 2 && active.ftas_size() > 0) {  // during a release
      std::thread releasing([this, id = active.ftas(active.ftas_size() - 1).id()] {
        fta::v1::ReleaseFtasRequest release;
        release.add_ids(id);
        fta::v1::ReleaseFtasResponse released;
        auto context = ContextWithDeadline(30);
        (void)hostd_->ftas().ReleaseFtas(context.get(), release, &released);
      });
      std::this_thread::yield();
      hostd_->Kill();
      releasing.join();
      continue;
    }
    hostd_->Kill();  // right after a start (reconcile and recovery just ran)
  }

  ASSERT_TRUE(hostd_->Start());
  fta::v1::WaitFtasReadyResponse ready;
  grpc::Status waited = WaitReady(&ready);
  ASSERT_TRUE(waited.ok()) << waited.error_message();
  std::map<std::string, int64_t> active;
  fta::v1::ListFtasResponse listed;
  auto list_context = ContextWithDeadline(30);
  ASSERT_TRUE(hostd_->ftas().ListFtas(list_context.get(), fta::v1::ListFtasRequest(), &listed).ok());
  for (const auto& fta : listed.ftas()) {
    // No phantom: an FTA that is not released has a live agent of its own.
    EXPECT_EQ(fta.state(), fta::v1::FTA_STATE_READY) << fta.id() << ": " << fta.last_error();
    EXPECT_EQ(kill(static_cast<pid_t>(fta.pid()), 0), 0) << fta.id() << " claims dead pid " << fta.pid();
    active[fta.id()] = fta.pid();
  }
  int leaked = 0;
  for (const auto& [id, pid] : AgentProcesses(endpoint_)) {
    if (active.count(id) > 0) continue;
    leaked += SpinUntil([&, pid = pid] { return kill(pid, 0) != 0 || AgentProcesses(endpoint_).count(id) == 0; })
                  ? 0
                  : 1;
  }
  EXPECT_EQ(leaked, 0) << "orphan agents";
  int stuck = 0;
  std::vector<fta::v1::Job> jobs = AllJobs(*hostd_);
  for (const auto& job : jobs) {
    stuck += job.state() == fta::v1::JOB_STATE_RUNNING || job.state() == fta::v1::JOB_STATE_PENDING;
  }
  EXPECT_EQ(stuck, 0);
  EXPECT_EQ(jobs_killed, kCycles / 4) << "a job was killed in every job cycle";
  EXPECT_GT(jobs.size(), 0u);
  const int files_left = FilesUnder(root_.path() + "/data");
  EXPECT_EQ(files_left, 0) << "job files left by killed jobs";
  EXPECT_EQ(IntegrityCheck(hostd_->state_dir() + "/fta-hostd.db"), "ok");
  std::cout << "crash cycles: " << kCycles << ", jobs killed: " << jobs_killed << ", ftas at the end: " << active.size()
            << ", orphan agents: " << leaked << ", jobs stuck: " << stuck << ", files left: " << files_left << "\n";
}

}  // namespace
}  // namespace fta::testing
