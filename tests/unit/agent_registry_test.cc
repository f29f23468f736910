// Behaviour of AgentRegistry's routing of job messages: batched samples reach
// the job's inbox, a job inbox that is behind drops live samples (bounded,
// counted) but never a result, and messages of other jobs are not routed;
// a silent agent is closed with a reason that says so, and a daemon stop
// ends the waits for agents at once.
#include "lib/fleet/agent_registry.h"

#include <memory>
#include <string>
#include <thread>

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

}  // namespace
}  // namespace fta::hostd
