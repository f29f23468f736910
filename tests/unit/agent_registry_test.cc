// Behaviour of AgentRegistry's routing of job messages: batched samples reach
// the job's inbox, a job inbox that is behind drops live samples (bounded,
// counted) but never a result, and messages of other jobs are not routed;
// a silent agent is closed with a reason that says so, a daemon stop ends
// the waits for agents at once; recording connections and losses (the
// store's work) never holds up the stream callbacks, and keeps its order.
#include "lib/fleet/agent_registry.h"

#include <memory>
#include <string>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"

#include "gtest/gtest.h"
#include "tests/unit/fakes/fake_clock.h"

namespace fta::hostd {
namespace {

using fta::agent::v1::AgentMessage;

class NullConnection final : public AgentConnection {
 public:
  void Send(const fta::agent::v1::HostMessage&) override {}
  void Close(const std::string&) override {}
};

// Remembers why the registry closed it.
class RecordingConnection final : public AgentConnection {
 public:
  void Send(const fta::agent::v1::HostMessage&) override {}
  void Close(const std::string& reason) override {
    if (closed.HasBeenNotified()) return;
    this->reason = reason;
    closed.Notify();
  }
  std::string reason;
  absl::Notification closed;
};

class NullListener final : public AgentListener {
 public:
  void OnAgentConnected(const fta::agent::v1::AgentHello&) override {}
  void OnAgentLost(const std::string&, const std::string&) override {}
};

// A store that is slow to record a connection until released; records
// what it was told, in order.
class SlowListener final : public AgentListener {
 public:
  void OnAgentConnected(const fta::agent::v1::AgentHello& hello) override {
    if (!entered.HasBeenNotified()) entered.Notify();
    release.WaitForNotification();
    std::lock_guard<std::mutex> lock(mu);
    calls.push_back("connected " + hello.fta_id());
  }
  void OnAgentLost(const std::string& fta_id, const std::string&) override {
    std::lock_guard<std::mutex> lock(mu);
    calls.push_back("lost " + fta_id);
    inbox_empty_when_lost = inbox == nullptr || !inbox->TryPop().has_value();
  }
  absl::Notification entered;
  absl::Notification release;
  std::mutex mu;
  std::vector<std::string> calls;
  std::shared_ptr<JobInbox> inbox;
  bool inbox_empty_when_lost = false;
};

AgentMessage Heartbeat() {
  AgentMessage message;
  message.mutable_heartbeat()->set_unix_ms(1);
  return message;
}

AgentMessage Batch(const std::string& job_id, int64_t bytes) {
  AgentMessage message;
  message.mutable_sample_batch()->set_job_id(job_id);
  message.mutable_sample_batch()->add_samples()->set_bytes(bytes);
  return message;
}

AgentMessage Done(const std::string& job_id) {
  AgentMessage message;
  message.mutable_phase_done()->set_job_id(job_id);
  return message;
}

class AgentRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    AgentRegistry::Options options;
    options.max_sample_backlog = 2;
    registry_ = std::make_unique<AgentRegistry>(options, &clock_, &listener_);
    registry_->Expect("fta-1");
    fta::agent::v1::AgentHello hello;
    hello.set_fta_id("fta-1");
    ASSERT_TRUE(registry_->OnHello(hello, "", std::make_shared<NullConnection>()).ok());
    inbox_ = registry_->OpenInbox("job-1", {"fta-1"});
  }

  testing::FakeClock clock_;
  NullListener listener_;
  std::unique_ptr<AgentRegistry> registry_;
  std::shared_ptr<JobInbox> inbox_;
};

TEST_F(AgentRegistryTest, ASampleBatchReachesItsJobsInbox) {
  registry_->OnMessage("fta-1", Batch("job-1", 42));
  std::optional<InboxEvent> event = inbox_->TryPop();
  ASSERT_TRUE(event.has_value());
  EXPECT_EQ(event->fta_id, "fta-1");
  ASSERT_TRUE(event->message.has_value());
  EXPECT_EQ(event->message->sample_batch().samples(0).bytes(), 42);
}

TEST_F(AgentRegistryTest, ABackloggedInboxDropsSamplesButNotResults) {
  registry_->OnMessage("fta-1", Batch("job-1", 1));
  registry_->OnMessage("fta-1", Batch("job-1", 2));
  registry_->OnMessage("fta-1", Batch("job-1", 3));  // the job is behind: dropped
  registry_->OnMessage("fta-1", Done("job-1"));      // always delivered
  EXPECT_EQ(registry_->samples_dropped(), 1u);
  std::vector<AgentMessage::BodyCase> got;
  while (std::optional<InboxEvent> event = inbox_->TryPop()) got.push_back(event->message->body_case());
  EXPECT_EQ(got, (std::vector<AgentMessage::BodyCase>{AgentMessage::kSampleBatch, AgentMessage::kSampleBatch,
                                                      AgentMessage::kPhaseDone}));
  // Drained: samples flow again.
  registry_->OnMessage("fta-1", Batch("job-1", 4));
  EXPECT_TRUE(inbox_->TryPop().has_value());
}

TEST_F(AgentRegistryTest, SamplesOfAnotherJobAreNotRouted) {
  registry_->OnMessage("fta-1", Batch("job-2", 1));
  EXPECT_FALSE(inbox_->TryPop().has_value());
  EXPECT_EQ(registry_->samples_dropped(), 0u);
}

TEST_F(AgentRegistryTest, ASilentAgentIsClosedSayingHowLongItWasSilent) {
  AgentRegistry::Options options;
  options.heartbeat_interval_ms = 100;
  options.heartbeat_timeout_ms = 1000;
  AgentRegistry registry(options, &clock_, &listener_);
  registry.Expect("fta-2");
  fta::agent::v1::AgentHello hello;
  hello.set_fta_id("fta-2");
  auto connection = std::make_shared<RecordingConnection>();
  ASSERT_TRUE(registry.OnHello(hello, "", connection).ok());
  clock_.Advance(absl::Milliseconds(1500));
  ASSERT_TRUE(connection->closed.WaitForNotificationWithTimeout(absl::Seconds(60)));
  EXPECT_EQ(connection->reason, "no message for 1500 ms (agents.heartbeat_timeout_ms: 1000)");
}

TEST_F(AgentRegistryTest, StopWaitingEndsAnAllocationsWaitForItsAgents) {
  registry_->Expect("fta-2");
  absl::Status waited;
  std::thread allocation([&] { waited = registry_->WaitConnected({"fta-2"}, clock_.Now() + absl::Hours(1)); });
  registry_->StopWaiting();
  allocation.join();  // an hour of the fake clock would never pass
  EXPECT_EQ(waited.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(waited.message(), "the daemon is shutting down; fta-2 has not connected");
}

// A registry whose store (SlowListener) records only when released.
class AgentRegistryRecordsTest : public ::testing::Test {
 protected:
  // A test that failed before releasing the store must not hang the
  // registry's record thread (joined when the registry goes).
  ~AgentRegistryRecordsTest() override {
    if (!listener.release.HasBeenNotified()) listener.release.Notify();
  }

  // fta-1 says hello on `connection`.
  absl::Status Hello(std::shared_ptr<AgentConnection> connection) {
    registry.Expect("fta-1");
    fta::agent::v1::AgentHello hello;
    hello.set_fta_id("fta-1");
    return registry.OnHello(hello, "", std::move(connection));
  }

  testing::FakeClock clock;
  SlowListener listener;
  AgentRegistry registry{{}, &clock, &listener};
};

TEST_F(AgentRegistryRecordsTest, AHelloIsAnsweredWhileTheStoreIsBusyAndWaitersSeeItOnceRecorded) {
  // Returns although the store has not recorded the connection yet (a
  // registry calling the listener here would block this thread for good).
  ASSERT_TRUE(Hello(std::make_shared<NullConnection>()).ok());
  registry.OnMessage("fta-1", Heartbeat());
  EXPECT_FALSE(registry.IsConnected("fta-1"));  // not READY in the store yet
  listener.release.Notify();
  EXPECT_TRUE(registry.WaitConnected({"fta-1"}, clock.Now() + absl::Hours(1)).ok());
  EXPECT_TRUE(registry.IsConnected("fta-1"));
}

TEST_F(AgentRegistryRecordsTest, ALossIsRecordedAfterItsConnectionAndBeforeTheJobHearsOfIt) {
  auto connection = std::make_shared<NullConnection>();
  ASSERT_TRUE(Hello(connection).ok());
  std::shared_ptr<JobInbox> inbox = registry.OpenInbox("job-1", {"fta-1"});
  {
    std::lock_guard<std::mutex> lock(listener.mu);
    listener.inbox = inbox;
  }
  listener.entered.WaitForNotification();  // the connection is being recorded
  registry.OnDisconnect("fta-1", connection.get(), "stream closed");
  listener.release.Notify();
  std::optional<InboxEvent> event = inbox->Pop(clock.Now() + absl::Hours(1));
  ASSERT_TRUE(event.has_value());
  EXPECT_EQ(event->fta_id, "fta-1");
  EXPECT_FALSE(event->message.has_value());
  std::lock_guard<std::mutex> lock(listener.mu);
  EXPECT_EQ(listener.calls, (std::vector<std::string>{"connected fta-1", "lost fta-1"}));
  EXPECT_TRUE(listener.inbox_empty_when_lost);
}

}  // namespace
}  // namespace fta::hostd
