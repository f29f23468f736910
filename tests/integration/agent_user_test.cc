// Process agents run as an unprivileged user (--agents-run-as nobody): the
// agent process has that uid, its files belong to it, a directory only root
// may write is refused by the agent naming the field, and a cancelled job's
// files are removed. Labels: integration, security.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "tests/integration/hostd_harness.h"
#include "tests/integration/job_fixture.h"

namespace fta::testing {
namespace {

constexpr uid_t kNobody = 65534;

uid_t ProcessUid(int64_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("Uid:", 0) == 0) return static_cast<uid_t>(std::stoul(line.substr(4)));
  }
  return static_cast<uid_t>(-1);
}

std::string Cmdline(int64_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline", std::ios::binary);
  std::string raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (char& c : raw) c = c == '\0' ? ' ' : c;
  return raw;
}

class AgentUserTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // nobody must reach agent.sock (its directory) and write the data directory.
    chmod(root_.path().c_str(), 0755);
    data_ = root_.path() + "/data";
    std::filesystem::create_directories(data_);
    chmod(data_.c_str(), 01777);
    hostd_ = std::make_unique<HostdProcess>(root_.path(), std::vector<std::string>{"--agents-run-as", "nobody"});
    ASSERT_TRUE(hostd_->Start());
    ASSERT_TRUE(hostd_->Allocate(1, &allocated_).ok()) << hostd_->log();
  }
  void TearDown() override {
    hostd_->ReleaseAll();
    hostd_->Stop();
  }

  fta::v1::RunIorRequest Job(const std::string& directory) { return WriteReadRequest(directory, "64k", "1m"); }

  TempDir root_;
  std::string data_;
  std::unique_ptr<HostdProcess> hostd_;
  fta::v1::AllocateFtasResponse allocated_;
};

TEST_F(AgentUserTest, TheAgentRunsAsTheUserAndGetsItsTokenByDescriptor) {
  const int64_t pid = allocated_.ftas(0).pid();
  EXPECT_EQ(ProcessUid(pid), kNobody);
  EXPECT_NE(Cmdline(pid).find("--token /dev/fd/3"), std::string::npos) << Cmdline(pid);

  fta::v1::RunIorRequest request = Job(data_);
  request.mutable_spec()->set_keep_files(true);
  std::vector<fta::v1::JobEvent> events;
  ASSERT_TRUE(RunJob(hostd_->jobs(), request, &events).ok());
  ASSERT_EQ(events.back().finished().state(), fta::v1::JOB_STATE_COMPLETED) << events.back().finished().error();
  struct stat info;
  ASSERT_EQ(stat((data_ + "/testfile.00000000").c_str(), &info), 0);
  EXPECT_EQ(info.st_uid, kNobody) << "the file belongs to the agent's user, not root";
}

TEST_F(AgentUserTest, ADirectoryOnlyRootMayWriteIsRefusedByTheAgent) {
  const std::string root_only = root_.path() + "/root-only";
  std::filesystem::create_directories(root_only);
  chmod(root_only.c_str(), 0755);
  std::vector<fta::v1::JobEvent> events;
  ASSERT_TRUE(RunJob(hostd_->jobs(), Job(root_only), &events).ok());
  const fta::v1::Job& job = events.back().finished();
  EXPECT_EQ(job.state(), fta::v1::JOB_STATE_FAILED);
  EXPECT_NE(job.error().find("directory (-d)"), std::string::npos) << job.error();
  EXPECT_NE(job.error().find("not writable"), std::string::npos) << job.error();
  EXPECT_TRUE(std::filesystem::is_empty(root_only));
}

TEST_F(AgentUserTest, ACancelledJobLeavesNoFiles) {
  fta::v1::RunIorRequest request = Job(data_);
  request.mutable_spec()->set_iterations(10000);
  auto context = ContextWithDeadline(120);
  auto reader = hostd_->jobs().RunIor(context.get(), request);
  fta::v1::JobEvent event;
  std::string job_id;
  while (reader->Read(&event)) {
    if (event.has_started()) job_id = event.started().id();
    if (event.has_phase_finished() && event.phase_finished().phase() == fta::v1::PHASE_WRITE) break;
  }
  ASSERT_FALSE(job_id.empty());
  fta::v1::Job cancelled;
  ASSERT_TRUE(CancelJob(*hostd_, job_id, &cancelled).ok());
  EXPECT_EQ(cancelled.state(), fta::v1::JOB_STATE_CANCELLED);
  context->TryCancel();
  (void)reader->Finish();
  EXPECT_TRUE(std::filesystem::is_empty(data_)) << "the cancelled job's files are gone";
}

}  // namespace
}  // namespace fta::testing
