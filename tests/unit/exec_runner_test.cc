// The agent's relayed commands (lib/agent/exec_runner.h): real processes.
// Output and exit status come back as messages, and killing a command ends
// its whole session, a grandchild in its own process group included.
#include "lib/agent/exec_runner.h"

#include <signal.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/synchronization/mutex.h"
#include "lib/core/session_process.h"

namespace fta::agent {
namespace {

using ::testing::HasSubstr;

class ExecRunnerTest : public ::testing::Test {
 protected:
  MessageSink Sink() {
    return [this](const v1::AgentMessage& message) {
      absl::MutexLock lock(&mu_);
      messages_.push_back(message);
      return true;
    };
  }
  // Waits (on the condition, not on time) for the exit message of `exec_id`.
  v1::ExecExited AwaitExit(const std::string& exec_id) {
    absl::MutexLock lock(&mu_);
    auto exited = [&]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return Exit(exec_id).has_value(); };
    mu_.Await(absl::Condition(&exited));
    return *Exit(exec_id);
  }
  std::optional<v1::ExecExited> Exit(const std::string& exec_id) ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    for (const auto& m : messages_) {
      if (m.has_exec_exited() && m.exec_exited().exec_id() == exec_id) return m.exec_exited();
    }
    return std::nullopt;
  }
  int64_t AwaitStartedPid(const std::string& exec_id) {
    absl::MutexLock lock(&mu_);
    int64_t pid = 0;
    auto started = [&]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
      for (const auto& m : messages_) {
        if (m.has_exec_started() && m.exec_started().exec_id() == exec_id) pid = m.exec_started().pid();
      }
      return pid != 0;
    };
    mu_.Await(absl::Condition(&started));
    return pid;
  }
  std::string Output(bool is_stderr) {
    absl::MutexLock lock(&mu_);
    std::string text;
    for (const auto& m : messages_) {
      if (m.has_exec_output() && m.exec_output().is_stderr() == is_stderr) text += m.exec_output().data();
    }
    return text;
  }
  static v1::ExecStart Start(const std::string& exec_id, std::vector<std::string> argv) {
    v1::ExecStart start;
    start.set_job_id("job-1");
    start.set_exec_id(exec_id);
    for (auto& arg : argv) start.add_argv(arg);
    return start;
  }

  RealClock clock_;
  absl::Mutex mu_;
  std::vector<v1::AgentMessage> messages_ ABSL_GUARDED_BY(mu_);
};

TEST_F(ExecRunnerTest, OutputAndExitStatusComeBack) {
  ExecRunner runner(&clock_, Sink());
  runner.Start(Start("e1", {"sh", "-c", "echo out; echo err >&2; exit 3"}));
  EXPECT_EQ(AwaitExit("e1").exit_code(), 3);
  EXPECT_EQ(Output(false), "out\n");
  EXPECT_EQ(Output(true), "err\n");
}

TEST_F(ExecRunnerTest, MissingProgramIsReported) {
  ExecRunner runner(&clock_, Sink());
  runner.Start(Start("e2", {"/no/such/orted"}));
  v1::ExecExited exited = AwaitExit("e2");
  EXPECT_EQ(exited.exit_code(), 127);
  EXPECT_THAT(exited.error(), HasSubstr("cannot run /no/such/orted"));
}

TEST_F(ExecRunnerTest, KillingTheJobEndsTheWholeSession) {
  ExecRunner runner(&clock_, Sink());
  // A grandchild in a process group of its own, as orted puts its ranks.
  runner.Start(Start("e3", {"sh", "-c", "set -m; sleep 300 & sleep 301"}));
  const pid_t sid = static_cast<pid_t>(AwaitStartedPid("e3"));
  runner.KillJob("job-1");
  EXPECT_GE(AwaitExit("e3").exit_code(), 128);
  EXPECT_TRUE(SessionMembers(sid).empty());
}

}  // namespace
}  // namespace fta::agent
