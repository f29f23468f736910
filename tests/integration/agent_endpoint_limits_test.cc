// The agent endpoint under abuse (label `security`): a flood of raw TCP
// connections against a daemon started with a 1024-descriptor soft limit,
// many streams on one connection, silent connections and streams, and a
// second daemon on the same state dir. Prints `security-bench:` JSON.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "tests/integration/hostd_harness.h"
#include "tests/integration/job_fixture.h"
#include "tests/integration/security_fixture.h"

namespace fta::testing {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

int OpenFiles(pid_t pid) {
  int count = 0;
  std::error_code ignored;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ignored)) {
    (void)entry;
    ++count;
  }
  return count;
}

int ConnectRaw(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd >= 0 && connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// True once the peer closed `fd` (EOF or reset) within `timeout_ms`.
bool ClosedByPeer(int fd, int timeout_ms) {
  pollfd entry{fd, POLLIN, 0};
  if (poll(&entry, 1, timeout_ms) <= 0) return false;
  char byte;
  return read(fd, &byte, 1) <= 0;
}

class AgentEndpointLimitsTest : public ::testing::Test {
 protected:
  void StartTcpDaemon(int hello_timeout_s, int max_connections = 1000) {
    port_ = FreeTcpPort();
    std::ofstream(root_.path() + "/hostd.toml") << "[agents]\nhello_timeout_s = " << hello_timeout_s
                                                << "\nmax_connections = " << max_connections << "\n";
    hostd_ = std::make_unique<HostdProcess>(
        root_.path(), std::vector<std::string>{"--config", root_.path() + "/hostd.toml", "--agent-listen",
                                               "127.0.0.1:" + std::to_string(port_)});
    // The daemon inherits a 1024 soft limit (systemd's default): it must
    // raise its own, or a burst of connections would exhaust it.
    ScopedFileLimit low(1024);
    ASSERT_TRUE(hostd_->Start());
  }
  void TearDown() override {
    if (!hostd_) return;
    if (HasFailure()) std::cerr << "---- fta-hostd log ----\n" << hostd_->log();
    ReleaseAllAndStop(*hostd_);
  }

  ScopedFileLimit raised_;  // this process opens the flood
  TempDir root_;
  int port_ = 0;
  std::unique_ptr<HostdProcess> hostd_;
};

TEST_F(AgentEndpointLimitsTest, AFloodOfSilentConnectionsIsHeldThenClosedAndAgentsStillConnect) {
  constexpr int kFlood = 1100;
  StartTcpDaemon(/*hello_timeout_s=*/10);
  const int baseline = OpenFiles(hostd_->pid());
  auto flood_start = Clock::now();
  std::vector<int> flood;
  for (int i = 0; i < kFlood; ++i) {
    int fd = ConnectRaw(port_);
    if (fd >= 0) flood.push_back(fd);
  }
  const double open_s = SecondsSince(flood_start);
  ASSERT_EQ(flood.size(), static_cast<size_t>(kFlood)) << "connections refused by the listener";
  // Held: the daemon accepted them all (polled: accept runs on its own threads).
  int held = 0;
  for (int attempt = 0; attempt < 100 && held < kFlood; ++attempt) {
    held = OpenFiles(hostd_->pid()) - baseline;
    if (held < kFlood) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_GE(held, kFlood);
  // The listener is alive: a real agent connects (mTLS) while the flood is open.
  auto allocate_start = Clock::now();
  std::vector<fta::v1::Fta> ftas = AllocateFtas(*hostd_, 1);
  const double allocate_s = SecondsSince(allocate_start);
  EXPECT_EQ(ftas.size(), 1u);
  // Silent connections are closed by the daemon (handshake deadline).
  int closed = 0;
  for (int fd : flood) closed += ClosedByPeer(fd, 60000);
  const double closed_after_s = SecondsSince(flood_start);
  EXPECT_EQ(closed, kFlood);
  for (int fd : flood) close(fd);
  // And the endpoint takes new connections afterwards.
  EXPECT_EQ(AllocateFtas(*hostd_, 1).size(), 1u);
  std::cout << "security-bench: {\"flood_connections\": " << kFlood << ", \"opened_s\": " << open_s
            << ", \"held_by_daemon\": " << held << ", \"allocate_during_flood_s\": " << allocate_s
            << ", \"closed_by_daemon\": " << closed << ", \"all_closed_after_s\": " << closed_after_s
            << ", \"daemon_fd_baseline\": " << baseline << "}" << std::endl;
}

TEST_F(AgentEndpointLimitsTest, OneStreamPerConnectionAndSilentStreamsEnd) {
  StartTcpDaemon(/*hello_timeout_s=*/2);
  // A plaintext-on-unix endpoint is not needed: the TLS endpoint with a
  // client that holds a valid certificate (any id) reaches the gateway.
  std::string pki = hostd_->state_dir() + "/pki";
  // One FTA, so its credentials are the attacker's certificate.
  std::vector<fta::v1::Fta> ftas = AllocateFtas(*hostd_, 1);
  ASSERT_EQ(ftas.size(), 1u);
  std::string dir = hostd_->state_dir() + "/agents/" + ftas[0].id() + "/";
  ClientTls tls{Slurp(dir + "ca.pem"), Slurp(dir + "cert.pem"), Slurp(dir + "key.pem")};
  auto channel = AgentChannel("127.0.0.1:" + std::to_string(port_), tls);
  // One round trip first, so the client knows the server's stream limit.
  EXPECT_EQ(SayHello(channel, Hello("fta-ghost")).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  constexpr int kStreams = 60;
  std::vector<std::thread> threads;
  std::vector<grpc::Status> statuses(kStreams);
  auto stub = fta::agent::v1::AgentGateway::NewStub(channel);
  for (int i = 0; i < kStreams; ++i) {
    threads.emplace_back([&, i] {
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
      auto stream = stub->Connect(&context);
      fta::agent::v1::HostMessage ignored;
      while (stream->Read(&ignored)) {
      }
      statuses[i] = stream->Finish();
    });
  }
  for (std::thread& thread : threads) thread.join();
  int ended_by_daemon = 0;
  for (const grpc::Status& status : statuses) {
    EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED) << status.error_message();
    ended_by_daemon += status.error_message().find("no hello within agents.hello_timeout_s") != std::string::npos;
  }
  // Streams reach the daemon one after the other, each ended by the hello
  // deadline; without the limit all 60 would have been open at once.
  EXPECT_GE(ended_by_daemon, 1);
  EXPECT_LE(ended_by_daemon, 5);
  std::cout << "security-bench: {\"streams_on_one_connection\": " << kStreams
            << ", \"reached_daemon_within_5s\": " << ended_by_daemon << "}" << std::endl;
  // The real agent was never disturbed.
  EXPECT_EQ(hostd_->FtactlJson({"fta", "show", ftas[0].id()})["state"], "ready");
}

TEST_F(AgentEndpointLimitsTest, StreamsBeyondTheCapAreRefusedAndTheCapFreesUp) {
  StartTcpDaemon(/*hello_timeout_s=*/30, /*max_connections=*/2);
  std::vector<fta::v1::Fta> ftas = AllocateFtas(*hostd_, 1);  // stream 1: the real agent
  ASSERT_EQ(ftas.size(), 1u);
  std::string dir = hostd_->state_dir() + "/agents/" + ftas[0].id() + "/";
  ClientTls tls{Slurp(dir + "ca.pem"), Slurp(dir + "cert.pem"), Slurp(dir + "key.pem")};
  const std::string target = "127.0.0.1:" + std::to_string(port_);
  // Stream 2 stays open and silent on a connection of its own.
  auto holder = AgentChannel(target, tls);
  auto holder_stub = fta::agent::v1::AgentGateway::NewStub(holder);
  grpc::ClientContext held;
  auto silent = holder_stub->Connect(&held);
  // Stream 3: over the cap (polled until stream 2 has reached the daemon).
  grpc::Status over = HelloUntil(target, tls, Hello("fta-ghost"), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(over.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << over.error_message();
  EXPECT_NE(over.error_message().find("agents.max_connections"), std::string::npos) << over.error_message();
  // Once stream 2 ends, a stream fits again.
  held.TryCancel();
  silent->Finish();
  grpc::Status after = HelloUntil(target, tls, Hello("fta-ghost"), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(after.error_code(), grpc::StatusCode::PERMISSION_DENIED) << after.error_message();
}

TEST_F(AgentEndpointLimitsTest, ASecondDaemonOnTheSameStateDirIsRefusedWhileTheFirstServes) {
  hostd_ = std::make_unique<HostdProcess>(root_.path());
  ASSERT_TRUE(hostd_->Start());
  ASSERT_EQ(AllocateFtas(*hostd_, 1).size(), 1u);
  // Same state dir, its own sockets.
  CommandResult second = RunCommand({HostdBinary(), "--state-dir", hostd_->state_dir(), "--control-socket",
                                     root_.path() + "/second.sock", "--agent-listen",
                                     "unix:" + root_.path() + "/second-agent.sock", "--agent-binary", AgentBinary()});
  EXPECT_NE(second.exit_code, 0);
  std::string said = second.out + second.err;
  EXPECT_NE(said.find(hostd_->state_dir() + "/fta-hostd.lock"), std::string::npos) << said;
  EXPECT_NE(said.find("pid " + std::to_string(hostd_->pid())), std::string::npos) << said;
  // Another state dir but the first one's control socket: refused, the
  // socket is not taken away.
  CommandResult thief = RunCommand({HostdBinary(), "--state-dir", root_.path() + "/other-state", "--control-socket",
                                    hostd_->control_socket(), "--agent-listen",
                                    "unix:" + root_.path() + "/third-agent.sock", "--agent-binary", AgentBinary()});
  EXPECT_NE(thief.exit_code, 0);
  EXPECT_NE((thief.out + thief.err).find("is in use"), std::string::npos) << thief.out << thief.err;
  // The first daemon kept everything: its socket, its FTA, new work.
  EXPECT_EQ(hostd_->FtactlJson({"fta", "list"})["ftas"].size(), 1u);
  EXPECT_EQ(AllocateFtas(*hostd_, 1).size(), 1u);
}

}  // namespace
}  // namespace fta::testing
