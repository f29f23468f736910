// AgentSession against a real in-process gRPC server on a unix socket that
// plays a scripted fta-hostd. The tests synchronise on messages only; every
// deadline is a failure guard, never a pacing device.
#include "lib/agent/agent_session.h"
#include "lib/agent/job_runner.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <deque>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "lib/agent/agent_identity.h"
#include "lib/agent/job_part.h"
#include "lib/core/clock.h"
#include "lib/ior/resolved_params.h"
#include "tests/unit/fakes/fake_clock.h"
#include "tests/unit/fakes/temp_dir.h"

namespace fta::agent {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr absl::Duration kGuard = absl::Seconds(60);
constexpr char kFtaId[] = "fta-test-1";

// A scripted fta-hostd: answers Hello with Welcome, records everything the
// agent sends, and lets the test push host messages.
class ScriptedGateway final : public v1::AgentGateway::Service {
 public:
  grpc::Status Connect(grpc::ServerContext*,
                       grpc::ServerReaderWriter<v1::HostMessage, v1::AgentMessage>* stream) override {
    {
      absl::MutexLock lock(&mu_);
      stream_ = stream;
    }
    v1::AgentMessage message;
    while (stream->Read(&message)) {
      absl::MutexLock lock(&mu_);
      if (message.has_hello()) {
        v1::HostMessage welcome;
        welcome.mutable_welcome()->set_heartbeat_interval_ms(20);
        stream->Write(welcome);
      }
      received_.push_back(message);
    }
    absl::MutexLock lock(&mu_);
    stream_ = nullptr;
    return grpc::Status::OK;
  }

  bool Send(const v1::HostMessage& message) {
    absl::MutexLock lock(&mu_);
    return stream_ != nullptr && stream_->Write(message);
  }

  // The next message with this body (and job id, if given) after the last
  // one returned; skipped messages stay in Received().
  std::optional<v1::AgentMessage> Expect(v1::AgentMessage::BodyCase body, const std::string& job_id = "") {
    absl::MutexLock lock(&mu_);
    // absl may evaluate a Condition several times and on other threads, so
    // it only looks; the cursor moves after the wait.
    auto find = [&]() -> size_t {
      for (size_t i = cursor_; i < received_.size(); ++i) {
        const v1::AgentMessage& m = received_[i];
        if (m.body_case() == body && (job_id.empty() || JobId(m) == job_id)) return i;
      }
      return received_.size();
    };
    auto found = [&] { return find() < received_.size(); };
    if (!mu_.AwaitWithTimeout(absl::Condition(&found), kGuard)) return std::nullopt;
    size_t index = find();
    cursor_ = index + 1;
    return received_[index];
  }

  std::vector<v1::AgentMessage> Received() {
    absl::MutexLock lock(&mu_);
    return received_;
  }

  static std::string JobId(const v1::AgentMessage& m) {
    switch (m.body_case()) {
      case v1::AgentMessage::kReady:
        return m.ready().job_id();
      case v1::AgentMessage::kSample:
        return m.sample().job_id();
      case v1::AgentMessage::kPhaseDone:
        return m.phase_done().job_id();
      case v1::AgentMessage::kFailed:
        return m.failed().job_id();
      default:
        return "";
    }
  }

 private:
  absl::Mutex mu_;
  grpc::ServerReaderWriter<v1::HostMessage, v1::AgentMessage>* stream_ ABSL_GUARDED_BY(mu_) = nullptr;
  std::vector<v1::AgentMessage> received_ ABSL_GUARDED_BY(mu_);
  size_t cursor_ ABSL_GUARDED_BY(mu_) = 0;
};

// One server instance; a restart is a new TestServer on the same socket.
struct TestServer {
  explicit TestServer(const std::string& socket_path) {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("unix:" + socket_path, grpc::InsecureServerCredentials());
    builder.RegisterService(&gateway);
    server = builder.BuildAndStart();
  }
  ~TestServer() {
    // An immediate deadline cancels the open Connect call, as a daemon
    // crash would from the agent's point of view.
    server->Shutdown(std::chrono::system_clock::now());
    server->Wait();
  }
  ScriptedGateway gateway;
  std::unique_ptr<grpc::Server> server;
};

class AgentSessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    socket_ = root_ + "/agent.sock";
    data_dir_ = root_ + "/data";
    ASSERT_EQ(mkdir(data_dir_.c_str(), 0755), 0);
    server_ = std::make_unique<TestServer>(socket_);
    ASSERT_NE(server_->server, nullptr);
  }

  void TearDown() override {
    if (session_ != nullptr) session_->Stop();
    session_.reset();
    server_.reset();
  }

  ScriptedGateway& gateway() { return server_->gateway; }

  // Starts the agent and waits for its Hello.
  v1::AgentHello StartAgent(const std::string& token = "", const Clock* clock = nullptr) {
    if (clock == nullptr) clock = &clock_;
    AgentOptions options;
    options.connect_address = "unix:" + socket_;
    options.fta_id = kFtaId;
    options.token = token;
    session_ = std::make_unique<AgentSession>(options, clock, MakePosixEngineFactory(clock));
    session_->Start();
    std::optional<v1::AgentMessage> hello = gateway().Expect(v1::AgentMessage::kHello);
    EXPECT_TRUE(hello.has_value()) << "no Hello";
    return hello ? hello->hello() : v1::AgentHello();
  }

  v1::HostMessage Part(const std::string& job_id, const std::string& directory, int64_t transfer,
                       int64_t block, int64_t segments, int sample_ms) {
    v1::HostMessage message;
    v1::JobPart* part = message.mutable_part();
    part->set_job_id(job_id);
    ior::IorParams params;
    params.directory = directory;
    params.segments = static_cast<uint64_t>(segments);
    params.transfer_size = static_cast<uint64_t>(transfer);
    params.block_size = static_cast<uint64_t>(block);
    *part->mutable_params() = ior::EncodeParams(params, fta::v1::ENGINE_BUILTIN);
    part->add_ranks(0);
    part->set_total_ranks(1);
    part->set_sample_interval_ms(sample_ms);
    part->set_signature(42);
    return message;
  }

  v1::HostMessage Go(const std::string& job_id, fta::v1::Phase phase, int64_t start_at_ns) {
    v1::HostMessage message;
    message.mutable_go()->set_job_id(job_id);
    message.mutable_go()->set_iteration(0);
    message.mutable_go()->set_phase(phase);
    message.mutable_go()->set_start_at_unix_ns(start_at_ns);
    return message;
  }

  // Sends GO for `phase` and waits for its PhaseDone: the one rank's result
  // (an empty one, after a test failure, when there is none).
  fta::v1::RankPhaseResult RunPhase(const std::string& job_id, fta::v1::Phase phase, int64_t start_at_ns) {
    gateway().Send(Go(job_id, phase, start_at_ns));
    std::optional<v1::AgentMessage> done = gateway().Expect(v1::AgentMessage::kPhaseDone, job_id);
    if (!done.has_value() || done->phase_done().ranks_size() != 1) {
      ADD_FAILURE() << "no PhaseDone with one rank for " << job_id;
      return fta::v1::RankPhaseResult();
    }
    EXPECT_EQ(done->phase_done().ranks(0).phase(), phase);
    return done->phase_done().ranks(0);
  }

  // Sum of the bytes sampled for one phase of a job so far.
  int64_t SampledBytes(const std::string& job_id, fta::v1::Phase phase) {
    int64_t bytes = 0;
    for (const v1::AgentMessage& m : gateway().Received()) {
      if (m.has_sample() && m.sample().job_id() == job_id && m.sample().phase() == phase) {
        EXPECT_LE(m.sample().interval_start_ns(), m.sample().interval_end_ns());
        bytes += m.sample().bytes();
      }
    }
    return bytes;
  }

  RealClock clock_;
  fta::testing::TempDir temp_{"fta-agent-test"};
  std::string root_ = temp_.path();
  std::string socket_;
  std::string data_dir_;
  std::unique_ptr<TestServer> server_;
  std::unique_ptr<AgentSession> session_;
};

TEST_F(AgentSessionTest, HelloCarriesIdTokenAndVersion) {
  std::string token_file = root_ + "/token";
  std::ofstream(token_file) << "  s3cret-token\n";
  absl::StatusOr<std::string> token = ReadTokenFile(token_file);
  ASSERT_TRUE(token.ok()) << token.status();

  v1::AgentHello hello = StartAgent(*token);
  EXPECT_EQ(hello.fta_id(), kFtaId);
  EXPECT_EQ(hello.token(), "s3cret-token");
  EXPECT_EQ(hello.agent_version(), "0.1.0");
  EXPECT_EQ(hello.pid(), getpid());
  EXPECT_FALSE(hello.hostname().empty());
  // Welcome was sent on Hello; heartbeats follow.
  EXPECT_TRUE(gateway().Expect(v1::AgentMessage::kHeartbeat).has_value());
}

TEST_F(AgentSessionTest, HeartbeatFollowsOnlyAFullIntervalOfSilence) {
  // The agent's clock moves only when the test moves it; the host asked for
  // a heartbeat every 20 ms of silence.
  fta::testing::FakeClock fake;
  const int64_t hello_ms = fake.NowUnixMillis();
  StartAgent("", &fake);
  fake.Advance(absl::Milliseconds(15));
  // A job message at +15 ms (the part names a missing directory) restarts
  // the silence: +30 ms is only 15 ms after it.
  gateway().Send(Part("job-missing", data_dir_ + "/missing", 65536, 65536, 1, 100));
  ASSERT_TRUE(gateway().Expect(v1::AgentMessage::kFailed, "job-missing").has_value());
  fake.Advance(absl::Milliseconds(21));  // +36: 21 ms after the last message
  std::optional<v1::AgentMessage> beat = gateway().Expect(v1::AgentMessage::kHeartbeat);
  ASSERT_TRUE(beat.has_value());
  for (const v1::AgentMessage& m : gateway().Received()) {
    if (!m.has_heartbeat()) continue;
    EXPECT_EQ(m.heartbeat().unix_ms(), hello_ms + 36) << "the first heartbeat came before 20 ms of silence";
    break;
  }
}

TEST_F(AgentSessionTest, PartWithMissingDirectoryFailsNamingIt) {
  StartAgent();
  std::string missing = data_dir_ + "/does-not-exist";
  gateway().Send(Part("job-missing", missing, 65536, 1 << 20, 1, 100));
  std::optional<v1::AgentMessage> failed = gateway().Expect(v1::AgentMessage::kFailed, "job-missing");
  ASSERT_TRUE(failed.has_value());
  EXPECT_THAT(failed->failed().message(), HasSubstr("directory (-d): " + missing));
  EXPECT_THAT(failed->failed().message(), HasSubstr("No such file or directory"));
}

TEST_F(AgentSessionTest, WriteReadRemoveRoundTrip) {
  StartAgent();
  constexpr int64_t kTransfer = 64 * 1024;
  constexpr int64_t kBlock = 1 << 20;
  constexpr int64_t kSegments = 4;
  const std::string file = data_dir_ + "/testfile.00000000";
  gateway().Send(Part("job-rw", data_dir_, kTransfer, kBlock, kSegments, 5));
  ASSERT_TRUE(gateway().Expect(v1::AgentMessage::kReady, "job-rw").has_value());

  // A start time in the future: nothing may be opened before it.
  const int64_t start_at = clock_.NowUnixNanos() + 50'000'000;
  const fta::v1::RankPhaseResult w = RunPhase("job-rw", fta::v1::PHASE_WRITE, start_at);
  EXPECT_EQ(w.fta_id(), kFtaId);
  EXPECT_EQ(w.rank(), 0);
  EXPECT_EQ(w.bytes(), kSegments * kBlock);
  EXPECT_EQ(w.ops(), kSegments * kBlock / kTransfer);
  EXPECT_GE(w.open_start_ns(), start_at);
  EXPECT_LE(w.open_start_ns(), w.open_end_ns());
  EXPECT_LE(w.open_end_ns(), w.xfer_start_ns());
  EXPECT_LE(w.xfer_start_ns(), w.xfer_end_ns());
  EXPECT_LE(w.xfer_end_ns(), w.close_start_ns());
  EXPECT_LE(w.close_start_ns(), w.close_end_ns());
  // Samples precede PhaseDone on the stream and account for every byte.
  EXPECT_EQ(SampledBytes("job-rw", fta::v1::PHASE_WRITE), kSegments * kBlock);
  ASSERT_TRUE(std::filesystem::exists(file));
  EXPECT_EQ(std::filesystem::file_size(file), static_cast<uintmax_t>(kSegments * kBlock));

  const fta::v1::RankPhaseResult r = RunPhase("job-rw", fta::v1::PHASE_READ, clock_.NowUnixNanos());
  EXPECT_EQ(r.bytes(), kSegments * kBlock);
  EXPECT_LE(r.open_start_ns(), r.xfer_start_ns());
  EXPECT_LE(r.xfer_start_ns(), r.xfer_end_ns());
  EXPECT_LE(r.xfer_end_ns(), r.close_end_ns());
  EXPECT_EQ(SampledBytes("job-rw", fta::v1::PHASE_READ), kSegments * kBlock);

  const fta::v1::RankPhaseResult rm = RunPhase("job-rw", fta::v1::PHASE_REMOVE, clock_.NowUnixNanos());
  EXPECT_EQ(rm.bytes(), 0);
  EXPECT_LE(rm.open_start_ns(), rm.close_end_ns());
  EXPECT_FALSE(std::filesystem::exists(file));

  for (const v1::AgentMessage& m : gateway().Received()) EXPECT_FALSE(m.has_failed()) << m.DebugString();
}

TEST_F(AgentSessionTest, CancelStopsLongWriteWithoutPhaseDone) {
  StartAgent();
  constexpr int64_t kTransfer = 64 * 1024;
  constexpr int64_t kSegments = 10'000'000;  // 640 GB: cannot finish before the cancel
  gateway().Send(Part("job-long", data_dir_, kTransfer, kTransfer, kSegments, 50));
  ASSERT_TRUE(gateway().Expect(v1::AgentMessage::kReady, "job-long").has_value());
  gateway().Send(Go("job-long", fta::v1::PHASE_WRITE, clock_.NowUnixNanos()));
  ASSERT_TRUE(gateway().Expect(v1::AgentMessage::kSample, "job-long").has_value());

  v1::HostMessage cancel;
  cancel.mutable_cancel()->set_job_id("job-long");
  cancel.mutable_cancel()->set_reason("test");
  gateway().Send(cancel);
  // The cancelled job is gone: the next part is judged on its own merits,
  // not refused as "busy".
  gateway().Send(Part("job-next", data_dir_ + "/missing", kTransfer, kTransfer, 1, 50));
  std::optional<v1::AgentMessage> next = gateway().Expect(v1::AgentMessage::kFailed, "job-next");
  ASSERT_TRUE(next.has_value());
  EXPECT_THAT(next->failed().message(), Not(HasSubstr("busy")));

  // Stop joins the engine threads; it returns only because the write stopped.
  session_->Stop();
  for (const v1::AgentMessage& m : gateway().Received()) {
    EXPECT_FALSE(m.has_phase_done()) << m.DebugString();
    EXPECT_FALSE(m.has_failed() && m.failed().job_id() == "job-long") << m.DebugString();
  }
  EXPECT_LT(std::filesystem::file_size(data_dir_ + "/testfile.00000000"),
            static_cast<uintmax_t>(kSegments * kTransfer));
}

TEST_F(AgentSessionTest, RankFailureReportsPhaseIterationAndEngineError) {
  StartAgent();
  gateway().Send(Part("job-noread", data_dir_, 65536, 65536, 1, 100));
  ASSERT_TRUE(gateway().Expect(v1::AgentMessage::kReady, "job-noread").has_value());
  v1::HostMessage go = Go("job-noread", fta::v1::PHASE_READ, clock_.NowUnixNanos());
  go.mutable_go()->set_iteration(3);
  gateway().Send(go);  // nothing was written: the open fails
  std::optional<v1::AgentMessage> failed = gateway().Expect(v1::AgentMessage::kFailed, "job-noread");
  ASSERT_TRUE(failed.has_value());
  EXPECT_EQ(failed->failed().phase(), fta::v1::PHASE_READ);
  EXPECT_EQ(failed->failed().iteration(), 3);
  EXPECT_THAT(failed->failed().message(), HasSubstr("testfile.00000000"));
}

TEST_F(AgentSessionTest, CancelInterruptsWaitForStartTime) {
  StartAgent();
  gateway().Send(Part("job-later", data_dir_, 65536, 65536, 1, 100));
  ASSERT_TRUE(gateway().Expect(v1::AgentMessage::kReady, "job-later").has_value());
  gateway().Send(Go("job-later", fta::v1::PHASE_WRITE, clock_.NowUnixNanos() + 3600 * int64_t{1'000'000'000}));
  v1::HostMessage cancel;
  cancel.mutable_cancel()->set_job_id("job-later");
  gateway().Send(cancel);
  gateway().Send(Part("job-now", data_dir_, 65536, 65536, 1, 100));
  ASSERT_TRUE(gateway().Expect(v1::AgentMessage::kReady, "job-now").has_value());
  // Stop joins the worker that was waiting an hour for its start time.
  session_->Stop();
  EXPECT_FALSE(std::filesystem::exists(data_dir_ + "/testfile.00000000"));
  for (const v1::AgentMessage& m : gateway().Received()) {
    if (!m.has_ready()) {
      EXPECT_NE(ScriptedGateway::JobId(m), "job-later") << m.DebugString();
    }
  }
}

TEST_F(AgentSessionTest, SecondJobIsRefusedWhileOneIsActive) {
  StartAgent();
  gateway().Send(Part("job-a", data_dir_, 65536, 65536, 1, 100));
  ASSERT_TRUE(gateway().Expect(v1::AgentMessage::kReady, "job-a").has_value());
  gateway().Send(Part("job-b", data_dir_, 65536, 65536, 1, 100));
  std::optional<v1::AgentMessage> busy = gateway().Expect(v1::AgentMessage::kFailed, "job-b");
  ASSERT_TRUE(busy.has_value());
  EXPECT_EQ(busy->failed().message(), "agent busy with job job-a");

  v1::HostMessage finish;
  finish.mutable_finish()->set_job_id("job-a");
  gateway().Send(finish);
  gateway().Send(Part("job-c", data_dir_, 65536, 65536, 1, 100));
  EXPECT_TRUE(gateway().Expect(v1::AgentMessage::kReady, "job-c").has_value());
}

TEST_F(AgentSessionTest, ReconnectsAndSaysHelloAfterServerRestart) {
  StartAgent();
  server_.reset();
  server_ = std::make_unique<TestServer>(socket_);
  ASSERT_NE(server_->server, nullptr);
  std::optional<v1::AgentMessage> hello = gateway().Expect(v1::AgentMessage::kHello);
  ASSERT_TRUE(hello.has_value());
  EXPECT_EQ(hello->hello().fta_id(), kFtaId);
  // The new stream is fully live: jobs work on it.
  gateway().Send(Part("job-after", data_dir_, 65536, 65536, 1, 100));
  EXPECT_TRUE(gateway().Expect(v1::AgentMessage::kReady, "job-after").has_value());
}

TEST(AgentIdentityTest, FlagsAreValidated) {
  EXPECT_TRUE(ValidateConnectAddress("unix:/run/fta.sock").ok());
  EXPECT_TRUE(ValidateConnectAddress("hostd.example:7443").ok());
  EXPECT_TRUE(ValidateConnectAddress("[::1]:7443").ok());
  EXPECT_FALSE(ValidateConnectAddress("unix:").ok());
  EXPECT_FALSE(ValidateConnectAddress("hostd").ok());
  EXPECT_FALSE(ValidateConnectAddress("hostd:99999").ok());
  EXPECT_TRUE(ValidateFtaId("fta-3").ok());
  EXPECT_FALSE(ValidateFtaId("").ok());
  EXPECT_FALSE(ValidateFtaId("a%b").ok());
  EXPECT_EQ(FindExecutableInPath("sh", "/nonexistent:/bin"), "/bin/sh");
  EXPECT_EQ(FindExecutableInPath("no-such-binary-here", "/bin"), "");
}

}  // namespace
}  // namespace fta::agent

namespace fta::agent {
namespace {

TEST(SettleAfterStartTest, QuietForAQuarterOfTheLeadOrHalfAMillisecondPerRankAtMostATenthOfASecond) {
  EXPECT_EQ(SettleAfterStartNs(40'000'000, 8), 10'000'000);     // the lead's quarter
  EXPECT_EQ(SettleAfterStartNs(40'000'000, 64), 32'000'000);    // 64 ranks waking
  EXPECT_EQ(SettleAfterStartNs(40'000'000, 1000), 100'000'000); // at most
  EXPECT_EQ(SettleAfterStartNs(-5, 0), 0);                      // a start already past
}

}  // namespace
}  // namespace fta::agent
