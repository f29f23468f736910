// fta-hostd as systemd runs it: SIGHUP reloads what can be reloaded and
// never stops the daemon; READY=1, then WATCHDOG=1 only after liveness
// checks pass (sd_notify to a NOTIFY_SOCKET this test owns).
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <fstream>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "tests/integration/hostd_harness.h"

namespace fta::testing {
namespace {

// Waits (bounded, no fixed sleep) until the daemon's log contains `text`.
bool LogShows(const HostdProcess& hostd, const std::string& text) {
  for (int attempt = 0; attempt < 200'000; ++attempt) {
    if (hostd.log().find(text) != std::string::npos) return true;
    std::this_thread::yield();
  }
  return false;
}

bool Answers(HostdProcess& hostd) {
  fta::v1::HostInfo info;
  auto context = ContextWithDeadline(30);
  return hostd.host().GetHost(context.get(), fta::v1::GetHostRequest(), &info).ok();
}

TEST(DaemonLifecycleTest, SighupReloadsRetentionAndLogLevelAndNeverStopsTheDaemon) {
  TempDir root;
  const std::string config = root.path() + "/config.toml";
  std::ofstream(config) << "[jobs]\nretention_days = 30\n";
  HostdProcess hostd(root.path(), {"--config", config});
  ASSERT_TRUE(hostd.Start());

  std::ofstream(config, std::ios::trunc) << "[jobs]\nretention_days = 5\n[provisioner]\nmax_ftas = 3\n";
  hostd.Signal(SIGHUP);
  ASSERT_TRUE(LogShows(hostd, "jobs.retention_days = 5")) << hostd.log();
  EXPECT_TRUE(LogShows(hostd, "\"max_ftas = 3\" takes effect at the next restart")) << hostd.log();
  EXPECT_TRUE(hostd.Running());
  EXPECT_TRUE(Answers(hostd));

  // A broken file on reload keeps the running configuration.
  std::ofstream(config, std::ios::trunc) << "[jobs]\nretention_days = \"soon\"\n";
  hostd.Signal(SIGHUP);
  ASSERT_TRUE(LogShows(hostd, "configuration not reloaded")) << hostd.log();
  EXPECT_TRUE(hostd.Running());
  EXPECT_TRUE(Answers(hostd));
  EXPECT_EQ(hostd.Stop(), 0);
}

TEST(DaemonLifecycleTest, ReadyThenWatchdogPingsAfterLivenessChecks) {
  TempDir root;
  const std::string notify_path = root.path() + "/notify.sock";
  int notify = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::snprintf(address.sun_path, sizeof(address.sun_path), "%s", notify_path.c_str());
  ASSERT_EQ(bind(notify, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  timeval timeout{60, 0};
  setsockopt(notify, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));

  setenv("NOTIFY_SOCKET", notify_path.c_str(), 1);
  setenv("WATCHDOG_USEC", "400000", 1);
  HostdProcess hostd(root.path());
  ::testing::AssertionResult started = hostd.Start();
  unsetenv("NOTIFY_SOCKET");
  unsetenv("WATCHDOG_USEC");
  ASSERT_TRUE(started);

  std::vector<std::string> messages;
  int watchdog_pings = 0;
  char buffer[512];
  while (watchdog_pings < 3) {
    ssize_t n = recv(notify, buffer, sizeof(buffer), 0);
    if (n <= 0) break;  // 60 s without a message
    messages.emplace_back(buffer, static_cast<size_t>(n));
    watchdog_pings += messages.back() == "WATCHDOG=1";
  }
  ASSERT_FALSE(messages.empty()) << "no sd_notify message (built without libsystemd?)";
  EXPECT_EQ(messages.front(), "READY=1");
  EXPECT_EQ(watchdog_pings, 3) << hostd.log();
  EXPECT_EQ(hostd.log().find("watchdog not pinged"), std::string::npos) << hostd.log();

  hostd.Signal(SIGTERM);
  bool stopping = false;
  for (ssize_t n; !stopping && (n = recv(notify, buffer, sizeof(buffer), 0)) > 0;) {
    stopping = std::string(buffer, static_cast<size_t>(n)) == "STOPPING=1";
  }
  EXPECT_TRUE(stopping);
  close(notify);
}

}  // namespace
}  // namespace fta::testing
