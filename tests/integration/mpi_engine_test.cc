// Engine ior end to end with the real IOR (ctest label `ior`): fta-hostd
// starts one mpirun over two process FTAs, OpenMPI launches its orted on
// each through fta-mpi-relay and the FTAs' agents, and IOR's own result is
// the stored job. Checked against IOR's JSON of that very run and a direct
// `mpirun -np 2 ior` on the same pattern; a killed FTA fails the job and
// leaves no MPI process (every process the test starts carries a marker in
// its environment, looked for in /proc); a missing ior or mpirun is a clear
// FAILED_PRECONDITION.
#include <signal.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "lib/core/file_text.h"
#include "lib/core/run_tool.h"
#include "lib/jobs/ior_import.h"
#include "tests/integration/hostd_harness.h"
#include "tests/integration/job_fixture.h"

namespace fta::testing {
namespace {

using ::testing::HasSubstr;
using fta::v1::Job;

// Processes whose environment holds `marker` (NAME=VALUE), this test excluded.
std::vector<std::string> MarkedProcesses(const std::string& marker) {
  std::vector<std::string> found;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string pid = entry.path().filename();
    if (pid.find_first_not_of("0123456789") != std::string::npos || pid == std::to_string(getpid())) continue;
    std::string environ = ReadFileOrEmpty(entry.path() / "environ");
    std::string stat = ReadFileOrEmpty(entry.path() / "stat");
    if (environ.find(marker + '\0') == std::string::npos || stat.find(") Z ") != std::string::npos) continue;
    found.push_back(absl::StrCat(pid, " ", ReadFileOrEmpty(entry.path() / "comm")));
  }
  return found;
}

class MpiEngineTest : public HostdJobTest {
 protected:
  void SetUp() override {
    if (access(FTA_IOR_BINARY, X_OK) != 0) {
      GTEST_SKIP() << "no IOR at " FTA_IOR_BINARY " (scripts/build-ior.sh found no source or no OpenMPI: "
                      "see the ior_build test)";
    }
    const char* path = std::getenv("PATH");
    saved_path_ = path != nullptr ? path : "";
    // Agents (and so orted and the ranks) inherit the daemon's environment, the daemon ours.
    setenv("PATH", (std::filesystem::path(FTA_IOR_BINARY).parent_path().string() + ":" + saved_path_).c_str(), 1);
    marker_ = "FTA_MPI_TEST_MARKER=" + root_.path();
    setenv("FTA_MPI_TEST_MARKER", root_.path().c_str(), 1);
    HostdJobTest::SetUp();
  }
  void TearDown() override {
    if (saved_path_.empty() && marker_.empty()) return;
    HostdJobTest::TearDown();
    setenv("PATH", saved_path_.c_str(), 1);
    unsetenv("FTA_MPI_TEST_MARKER");
  }

  // Write + read, 2 iterations, keeping the files for IOR's -k.
  fta::v1::RunIorRequest Request(const std::string& block) {
    fta::v1::RunIorRequest request = WriteReadRequest(data_dir_, "256k", block);
    request.mutable_spec()->set_segments(2);
    request.mutable_spec()->set_iterations(2);
    request.mutable_spec()->set_engine(fta::v1::ENGINE_IOR);
    return request;
  }

  // A fresh daemon in root/<name> (the test's first one stopped).
  void RestartDaemon(const std::string& name, std::vector<std::string> flags) {
    std::filesystem::create_directories(root_.path() + "/" + name);
    hostd_ = std::make_unique<HostdProcess>(root_.path() + "/" + name, std::move(flags));
    ASSERT_TRUE(hostd_->Start());
  }

  // The error message of an engine-ior job on one FTA that the daemon must
  // refuse before it starts (FAILED_PRECONDITION).
  std::string RefusalOnOneFta() {
    EXPECT_EQ(Allocate(1).size(), 1u);
    std::vector<fta::v1::JobEvent> events;
    grpc::Status status = RunJob(hostd_->jobs(), Request("4m"), &events);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
    return status.error_message();
  }

  std::string saved_path_;
  std::string marker_;
};

TEST_F(MpiEngineTest, TwoProcessFtasStoreIorsOwnResult) {
  ASSERT_EQ(Allocate(2).size(), 2u);
  Job job = RunToEnd(Request("4m"));
  ASSERT_EQ(job.state(), fta::v1::JOB_STATE_COMPLETED) << job.error();
  EXPECT_EQ(job.engine(), fta::v1::ENGINE_IOR);
  EXPECT_EQ(job.timestamp_source(), "ior-reported");
  EXPECT_FALSE(job.ior_version().empty());
  EXPECT_THAT(job.ior_command_line(), HasSubstr("plm_rsh_agent"));

  // The stored job is IOR's JSON summary of this run, number for number.
  const std::string dir = hostd_->mpi_work_dir() + "/" + job.id();
  absl::StatusOr<std::vector<Job>> own = hostd::JobsFromIorOutput(
      {ReadFileOrEmpty(dir + "/summary.json"), "summary.json", ReadFileOrEmpty(dir + "/ranks.csv"), "ranks.csv"}, 0);
  ASSERT_TRUE(own.ok()) << own.status();
  ASSERT_EQ(own->size(), 1u);
  const Job& ior = own->front();
  ASSERT_EQ(job.aggregates_size(), 4);
  ASSERT_EQ(job.aggregates_size(), ior.aggregates_size());
  for (int i = 0; i < job.aggregates_size(); ++i) {
    EXPECT_EQ(job.aggregates(i).phase(), ior.aggregates(i).phase());
    EXPECT_EQ(job.aggregates(i).bytes(), 2 * 2 * 4 * 1048576);
    EXPECT_EQ(job.aggregates(i).ranks(), 2);
    EXPECT_DOUBLE_EQ(job.aggregates(i).bandwidth_mib(), ior.aggregates(i).bandwidth_mib());
    EXPECT_GT(job.aggregates(i).bandwidth_mib(), 0);
  }
  ASSERT_EQ(job.summaries_size(), 2);
  EXPECT_DOUBLE_EQ(job.summaries(0).max_mib(), ior.summaries(0).max_mib());
  EXPECT_DOUBLE_EQ(job.summaries(1).mean_mib(), ior.summaries(1).mean_mib());
  // Per-rank rows from IOR's CSV, each rank on its FTA.
  ASSERT_EQ(job.rank_results_size(), 8);
  EXPECT_EQ(job.rank_results(0).fta_id(), job.agents(0).fta_id());
  EXPECT_EQ(job.rank_results(1).fta_id(), job.agents(1).fta_id());
  // No -k: IOR removed its files (DIR/NAME.%08d) itself.
  EXPECT_FALSE(std::filesystem::exists(data_dir_ + "/testfile.00000001"));

  // The same pattern under a direct mpirun: both complete, same shape.
  const std::string direct_dir = root_.path() + "/direct";
  std::filesystem::create_directories(direct_dir);
  absl::StatusOr<ToolResult> direct = RunTool(
      {"mpirun", "--allow-run-as-root", "--oversubscribe", "-np", "2", FTA_IOR_BINARY, "-a", "POSIX", "-F", "-w",
       "-r", "-t", "262144", "-b", "4194304", "-s", "2", "-i", "2", "-k", "-o", direct_dir + "/testfile", "-O",
       "summaryFormat=JSON", "-O", "summaryFile=" + direct_dir + "/summary.json"});
  ASSERT_TRUE(direct.ok()) << direct.status();
  ASSERT_EQ(direct->exit_code, 0) << direct->output;
  absl::StatusOr<std::vector<Job>> reference =
      hostd::JobsFromIorOutput({ReadFileOrEmpty(direct_dir + "/summary.json"), "direct", "", ""}, 0);
  ASSERT_TRUE(reference.ok()) << reference.status();
  ASSERT_EQ(reference->front().aggregates_size(), job.aggregates_size());
  for (int i = 0; i < job.aggregates_size(); ++i) {
    EXPECT_EQ(reference->front().aggregates(i).phase(), job.aggregates(i).phase());
    EXPECT_EQ(reference->front().aggregates(i).bytes(), job.aggregates(i).bytes());
  }
  EXPECT_EQ(reference->front().spec().iterations(), ior.spec().iterations());
}

// The default in production: agents as an unprivileged user. Their ranks
// write the data directory as that user and IOR's rank 0 its summary into
// the job's work directory, which fta-hostd hands to that user.
TEST_F(MpiEngineTest, UnprivilegedAgentsRunIorAndHandBackItsSummary) {
  chmod(root_.path().c_str(), 0755);  // nobody reaches the agent socket's directory
  const std::string data = root_.path() + "/nobody-data";
  std::filesystem::create_directories(data);
  chmod(data.c_str(), 01777);
  RestartDaemon("nobody", {"--agents-run-as", "nobody"});
  ASSERT_EQ(Allocate(2).size(), 2u);
  fta::v1::RunIorRequest request = Request("1m");
  request.mutable_spec()->set_directory(data);
  request.mutable_spec()->set_keep_files(true);
  Job job = RunToEnd(request);
  ASSERT_EQ(job.state(), fta::v1::JOB_STATE_COMPLETED) << job.error();
  EXPECT_EQ(job.aggregates_size(), 4) << "IOR's summary was written and imported";
  EXPECT_EQ(job.rank_results_size(), 8);
  struct stat info;
  ASSERT_EQ(stat((data + "/testfile.00000000").c_str(), &info), 0);
  EXPECT_EQ(info.st_uid, 65534u) << "rank 0 ran as nobody";
  ASSERT_EQ(stat((hostd_->mpi_work_dir() + "/" + job.id()).c_str(), &info), 0);
  EXPECT_EQ(info.st_uid, 65534u);
  EXPECT_EQ(info.st_mode & 0777, 0700u);
}

TEST_F(MpiEngineTest, IorFailureFailsTheJobQuotingIt) {
  ASSERT_EQ(Allocate(2).size(), 2u);
  fta::v1::RunIorRequest request = Request("4m");
  request.mutable_spec()->set_write(false);  // read only: there are no files
  request.mutable_spec()->set_iterations(1);
  Job job = RunToEnd(request);
  EXPECT_EQ(job.state(), fta::v1::JOB_STATE_FAILED);
  EXPECT_THAT(job.error(), HasSubstr("mpirun exited with status"));
  EXPECT_THAT(job.error(), HasSubstr(data_dir_ + "/testfile"));
}

TEST_F(MpiEngineTest, KilledFtaFailsTheJobAndLeavesNoMpiProcess) {
  std::vector<fta::v1::Fta> ftas = Allocate(2);
  ASSERT_EQ(ftas.size(), 2u);
  fta::v1::RunIorRequest request = Request("512m");
  request.mutable_spec()->set_transfer_size("1m");
  request.mutable_spec()->set_iterations(50);  // far longer than the test waits
  auto context = ContextWithDeadline(300);
  auto reader = hostd_->jobs().RunIor(context.get(), request);
  fta::v1::JobEvent event;
  bool killed = false;
  Job finished;
  while (reader->Read(&event)) {
    // The first progress: the ranks run and the agents sample them.
    if (event.has_progress() && !killed) {
      ASSERT_FALSE(MarkedProcesses(marker_).empty());
      ASSERT_EQ(kill(static_cast<pid_t>(ftas[1].pid()), SIGKILL), 0);
      killed = true;
    }
    if (event.has_finished()) finished = event.finished();
  }
  ASSERT_TRUE(reader->Finish().ok());
  ASSERT_TRUE(killed) << "no progress event before the end: " << finished.error();
  EXPECT_EQ(finished.state(), fta::v1::JOB_STATE_FAILED);
  EXPECT_THAT(finished.error(), HasSubstr(ftas[1].id() + " lost"));

  // Nothing of the job is left: no mpirun, relay, orted or rank. Survivors
  // are the daemon and the other FTA's agent.
  std::vector<std::string> left;
  for (const std::string& process : MarkedProcesses(marker_)) {
    if (process.find("fta-hostd") == std::string::npos && process.find("fta-agent") == std::string::npos) {
      left.push_back(process);
    }
  }
  EXPECT_TRUE(left.empty()) << ::testing::PrintToString(left);
}

TEST_F(MpiEngineTest, FtaWithoutIorIsAClearError) {
  // A daemon whose agents find no ior in PATH.
  ReleaseAllAndStop(*hostd_);
  setenv("PATH", saved_path_.c_str(), 1);
  RestartDaemon("noior", {});
  const std::string refusal = RefusalOnOneFta();
  EXPECT_THAT(refusal, HasSubstr("engine: ior requested but"));
  EXPECT_THAT(refusal, HasSubstr("reported no ior binary"));
}

TEST_F(MpiEngineTest, HostWithoutMpirunIsAClearError) {
  ReleaseAllAndStop(*hostd_);
  const std::string config = root_.path() + "/nompi.toml";
  std::ofstream(config) << "[mpi]\nmpirun = \"" << root_.path() << "/no/mpirun\"\n";
  RestartDaemon("nompi", {"--config", config});
  const std::string refusal = RefusalOnOneFta();
  EXPECT_THAT(refusal, HasSubstr("engine: ior runs IOR under mpirun, but mpirun"));
  EXPECT_THAT(refusal, HasSubstr("not found"));
  // The built-in engine is still the default.
  fta::v1::RunIorRequest builtin = Request("4m");
  builtin.mutable_spec()->clear_engine();
  Job job = RunToEnd(builtin);
  EXPECT_EQ(job.state(), fta::v1::JOB_STATE_COMPLETED) << job.error();
  EXPECT_EQ(job.engine(), fta::v1::ENGINE_BUILTIN);
}

}  // namespace
}  // namespace fta::testing
