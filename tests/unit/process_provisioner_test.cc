// The process backend against real processes: small shell scripts named
// fta-agent stand in for the agent, so start, exit reporting, stop (polite
// and forced) and adoption are exercised on the real kernel interfaces.
#include "lib/virt/process_provisioner.h"

#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <condition_variable>
#include <filesystem>
#include <fcntl.h>

#include <sched.h>

#include <fstream>
#include <iterator>
#include <mutex>

#include <gtest/gtest.h>

extern char** environ;

namespace fta::virt {
namespace {

class ExitRecorder {
 public:
  void Record(const FtaExit& exit) {
    std::lock_guard<std::mutex> lock(mu_);
    exits_.push_back(exit);
    cv_.notify_all();
  }
  // Waits (bounded, as a failure guard) for the n-th exit.
  std::vector<FtaExit> WaitFor(size_t n) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, std::chrono::seconds(30), [&] { return exits_.size() >= n; });
    return exits_;
  }
  size_t count() {
    std::lock_guard<std::mutex> lock(mu_);
    return exits_.size();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<FtaExit> exits_;
};

FtaLaunchSpec Spec(const std::string& id, const std::string& endpoint, const std::string& credentials) {
  FtaLaunchSpec spec;
  spec.fta_id = id;
  spec.agent_endpoint = endpoint;
  spec.credentials_dir = credentials;
  return spec;
}

class ProcessProvisionerTest : public ::testing::Test {
 protected:
  ProcessProvisionerOptions Options(const std::string& binary) {
    ProcessProvisionerOptions options;
    options.agent_binary = binary;
    options.log_dir = dir_ + "/logs";
    return options;
  }

  void SetUp() override {
    std::string pattern = "/tmp/fta-provisioner-XXXXXX";
    dir_ = mkdtemp(pattern.data());
    std::filesystem::create_directories(dir_ + "/logs");
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Writes an executable script called fta-agent in its own directory.
  std::string Script(const std::string& name, const std::string& body) {
    std::string folder = dir_ + "/" + name;
    std::filesystem::create_directories(folder);
    std::string path = folder + "/fta-agent";
    std::ofstream(path) << "#!/bin/sh\n" << body << "\n";
    chmod(path.c_str(), 0755);
    return path;
  }

  std::unique_ptr<ProcessProvisioner> Make(const std::string& binary) {
    absl::StatusOr<std::unique_ptr<ProcessProvisioner>> made =
        ProcessProvisioner::Create(Options(binary));
    EXPECT_TRUE(made.ok()) << made.status();
    (*made)->SetExitHandler([this](const FtaExit& exit) { exits_.Record(exit); });
    return std::move(*made);
  }

  std::string dir_;
  ExitRecorder exits_;
};

TEST_F(ProcessProvisionerTest, MissingBinaryIsAFailedPreconditionNamingTheKey) {
  absl::StatusOr<std::unique_ptr<ProcessProvisioner>> made =
      ProcessProvisioner::Create(Options(dir_ + "/nope"));
  ASSERT_FALSE(made.ok());
  EXPECT_EQ(made.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(std::string(made.status().message()).find("agent_binary"), std::string::npos);
}

TEST_F(ProcessProvisionerTest, PassesIdentityAndLogsOutput) {
  auto provisioner = Make(Script("echo", "echo \"$@\"; exit 0"));
  absl::StatusOr<FtaInstance> started = provisioner->Start(Spec("fta-1", "unix:/x.sock", "/t/creds"));
  ASSERT_TRUE(started.ok()) << started.status();
  exits_.WaitFor(1);
  std::ifstream log(started->log_path);
  std::string line;
  std::getline(log, line);
  EXPECT_EQ(line, "--connect unix:/x.sock --id fta-1 --credentials /t/creds");
}

TEST_F(ProcessProvisionerTest, PlainTcpIsAllowedOnlyWithoutACertificate) {
  auto provisioner = Make(Script("echo", "echo \"$@\"; exit 0"));
  std::filesystem::create_directories(dir_ + "/creds");
  absl::StatusOr<FtaInstance> plain = provisioner->Start(Spec("fta-1", "127.0.0.1:7", dir_ + "/creds"));
  ASSERT_TRUE(plain.ok()) << plain.status();
  exits_.WaitFor(1);
  std::ofstream(dir_ + "/creds/cert.pem") << "x";
  absl::StatusOr<FtaInstance> tls = provisioner->Start(Spec("fta-2", "127.0.0.1:7", dir_ + "/creds"));
  ASSERT_TRUE(tls.ok()) << tls.status();
  exits_.WaitFor(2);
  std::string line;
  std::ifstream plain_log(plain->log_path);
  std::getline(plain_log, line);
  EXPECT_EQ(line, "--connect 127.0.0.1:7 --id fta-1 --credentials " + dir_ + "/creds --insecure-tcp");
  std::ifstream tls_log(tls->log_path);
  std::getline(tls_log, line);
  EXPECT_EQ(line, "--connect 127.0.0.1:7 --id fta-2 --credentials " + dir_ + "/creds");
}

TEST_F(ProcessProvisionerTest, UnexpectedExitIsReportedWithStatus) {
  auto provisioner = Make(Script("fail", "exit 3"));
  ASSERT_TRUE(provisioner->Start(Spec("fta-2", "unix:/x", "")).ok());
  std::vector<FtaExit> exits = exits_.WaitFor(1);
  ASSERT_EQ(exits.size(), 1u);
  EXPECT_EQ(exits[0].fta_id, "fta-2");
  EXPECT_EQ(exits[0].description, "exited with status 3");
  EXPECT_FALSE(provisioner->IsRunning("fta-2"));
}

TEST_F(ProcessProvisionerTest, KillIsReportedWithTheSignal) {
  auto provisioner = Make(Script("sleeper", "exec sleep 600"));
  absl::StatusOr<FtaInstance> started = provisioner->Start(Spec("fta-3", "unix:/x", ""));
  ASSERT_TRUE(started.ok());
  ASSERT_EQ(kill(static_cast<pid_t>(started->pid), SIGKILL), 0);
  std::vector<FtaExit> exits = exits_.WaitFor(1);
  ASSERT_EQ(exits.size(), 1u);
  EXPECT_NE(exits[0].description.find("killed by signal 9"), std::string::npos) << exits[0].description;
}

TEST_F(ProcessProvisionerTest, StopIsPoliteAndNotReportedAsAFailure) {
  auto provisioner = Make(Script("sleeper", "exec sleep 600"));
  ASSERT_TRUE(provisioner->Start(Spec("fta-4", "unix:/x", "")).ok());
  ASSERT_TRUE(provisioner->IsRunning("fta-4"));
  ASSERT_TRUE(provisioner->Stop("fta-4", absl::Seconds(30)).ok());
  // A second FTA that fails proves the watcher is alive: the stopped one
  // must not have been reported before it.
  auto failing = Script("fail", "exit 1");
  auto other = Make(failing);
  ASSERT_TRUE(other->Start(Spec("fta-5", "unix:/x", "")).ok());
  std::vector<FtaExit> exits = exits_.WaitFor(1);
  ASSERT_EQ(exits.size(), 1u);
  EXPECT_EQ(exits[0].fta_id, "fta-5");
  EXPECT_TRUE(provisioner->Stop("fta-unknown", absl::Seconds(1)).ok()) << "stopping twice is fine";
}

TEST_F(ProcessProvisionerTest, StopEscalatesToSigkillAfterGrace) {
  // Ignores SIGTERM; the shell waits on a child so the trap stays in force.
  auto provisioner = Make(Script("stubborn", "trap '' TERM; while true; do sleep 1; done"));
  absl::StatusOr<FtaInstance> started = provisioner->Start(Spec("fta-6", "unix:/x", ""));
  ASSERT_TRUE(started.ok());
  ASSERT_TRUE(provisioner->Stop("fta-6", absl::Milliseconds(200)).ok());
  // Gone, or a zombie waiting for the watcher to reap it: not running.
  std::ifstream stat("/proc/" + std::to_string(started->pid) + "/stat");
  std::string pid_field, name, state;
  if (stat >> pid_field >> name >> state) {
    EXPECT_EQ(state, "Z") << "process still running";
  }
}

TEST_F(ProcessProvisionerTest, AdoptsOnlyTheRightAgent) {
  // Started outside the provisioner, as by a previous daemon. The script
  // stays a shell, so its command line keeps naming fta-agent.
  std::vector<std::string> args = {"", "--connect", "unix:/x", "--id", "fta-7"};
  std::vector<char*> argv;
  pid_t pid = 0;
  std::string stays = Script("adoptee2", "while true; do sleep 1; done");
  args[0] = stays;
  argv.clear();
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t quiet;
  posix_spawn_file_actions_init(&quiet);
  posix_spawn_file_actions_addopen(&quiet, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&quiet, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  ASSERT_EQ(posix_spawn(&pid, stays.c_str(), &quiet, nullptr, argv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&quiet);
  // Whatever the assertions below do, the stand-in must not outlive the test.
  struct Reaper {
    pid_t pid;
    ~Reaper() {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
    }
  } reaper{pid};

  // posix_spawn returns while the kernel is still inside execve (vfork
  // semantics end at the address-space switch), before the new command line
  // exists. Wait for it: an agent adopted after a daemon restart is long past
  // that point.
  for (int attempt = 0; attempt < 100000; ++attempt) {
    std::ifstream cmdline("/proc/" + std::to_string(pid) + "/cmdline");
    std::string content((std::istreambuf_iterator<char>(cmdline)), std::istreambuf_iterator<char>());
    if (content.find("fta-7") != std::string::npos) break;
    sched_yield();
  }

  auto provisioner = Make(stays);
  EXPECT_EQ(provisioner->Adopt("fta-8", pid).code(), absl::StatusCode::kNotFound) << "wrong id";
  EXPECT_EQ(provisioner->Adopt("fta-7", 999999).code(), absl::StatusCode::kNotFound) << "no such pid";
  absl::Status adopted = provisioner->Adopt("fta-7", pid);
  ASSERT_TRUE(adopted.ok()) << adopted;
  EXPECT_TRUE(provisioner->IsRunning("fta-7"));
  ASSERT_EQ(kill(pid, SIGKILL), 0);
  std::vector<FtaExit> exits = exits_.WaitFor(1);
  ASSERT_EQ(exits.size(), 1u);
  EXPECT_EQ(exits[0].fta_id, "fta-7");
}

}  // namespace
}  // namespace fta::virt
