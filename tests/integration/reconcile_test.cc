// The periodic reconcile of a running daemon (provisioner.reconcile_interval_s):
// an agent process carrying the daemon's endpoint that no active FTA owns is
// stopped and recorded, and FTAs that are fine are left alone.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/integration/hostd_harness.h"

extern char** environ;

namespace fta::testing {
namespace {

class ReconcileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string config = root_.path() + "/config.toml";
    std::ofstream(config) << "[provisioner]\nreconcile_interval_s = 1\n";
    hostd_ = std::make_unique<HostdProcess>(root_.path(), std::vector<std::string>{"--config", config});
    ASSERT_TRUE(hostd_->Start());
  }
  void TearDown() override {
    if (stray_ > 0 && kill(stray_, 0) == 0) {
      kill(stray_, SIGKILL);
      waitpid(stray_, nullptr, 0);
    }
    hostd_->ReleaseAll();
    if (HasFailure()) std::cerr << "---- fta-hostd log ----\n" << hostd_->log();
    hostd_->Stop();
  }


  TempDir root_;
  std::unique_ptr<HostdProcess> hostd_;
  pid_t stray_ = -1;
};

TEST_F(ReconcileTest, StrayAgentOnTheDaemonsEndpointIsStoppedAndRecorded) {
  // An FTA the daemon runs, which must survive every round.
  fta::v1::AllocateFtasResponse allocated;
  ASSERT_TRUE(hostd_->Allocate(1, &allocated, fta::v1::FTA_KIND_UNSPECIFIED, 60).ok());
  ASSERT_EQ(allocated.ftas_size(), 1);

  // A stray agent (say, one started by hand) with a wrong token: the daemon
  // refuses its hello and it keeps retrying, so only the reconcile ends it.
  std::string token = root_.path() + "/wrong-token";
  std::ofstream(token) << "not-the-daemons-token\n";
  std::string endpoint = "unix:" + root_.path() + "/agent.sock";
  std::vector<std::string> args = {AgentBinary(), "--connect", endpoint, "--id", "fta-77", "--token", token};
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  ASSERT_EQ(posix_spawn(&stray_, argv[0], nullptr, nullptr, argv.data(), environ), 0);

  int status = 0;
  ASSERT_EQ(waitpid(stray_, &status, 0), stray_);  // returns once the reconcile stopped it
  stray_ = -1;

  nlohmann::json listed = hostd_->FtactlJson({"fta", "list", "--all"});
  bool recorded = false;
  for (const auto& fta : listed["ftas"]) {
    if (fta["id"] != "fta-77") continue;
    recorded = true;
    EXPECT_EQ(fta["state"], "released") << fta.dump();
    EXPECT_NE(fta["last_error"].get<std::string>().find("orphan"), std::string::npos) << fta.dump();
  }
  EXPECT_TRUE(recorded) << listed.dump(2);
  EXPECT_NE(hostd_->log().find("reconcile: fta-77"), std::string::npos);

  // The daemon's own FTA is untouched and still answers.
  nlohmann::json shown = hostd_->FtactlJson({"vm", "show", allocated.ftas(0).id()});
  EXPECT_EQ(shown["state"], "ready") << shown.dump();
}

}  // namespace
}  // namespace fta::testing
