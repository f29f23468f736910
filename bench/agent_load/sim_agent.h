// SimAgent: one simulated fta-agent, a real gRPC client of fta-hostd's
// agent endpoint (callback API, its own connection: the endpoint allows one
// stream per connection). It says hello with its FTA's token, answers a
// JobPart with PartReady, and after each GO streams 10 Hz samples in
// SampleBatches for the phase's length, then its PhaseDone, as fta-agent
// does; heartbeats at the interval of the daemon's Welcome.
//
// The fleet's ticker drives every agent: Tick() is called every sample
// interval; nothing here sleeps or owns a thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "fta/agent/v1/agent.grpc.pb.h"

namespace fta::bench {

struct SimAgentOptions {
  std::string endpoint;       // unix:/path of agents.listen
  int64_t phase_ns = 0;       // how long a write/read phase lasts after its GO
};

class SimAgent final : public grpc::ClientBidiReactor<fta::agent::v1::AgentMessage, fta::agent::v1::HostMessage> {
 public:
  SimAgent(std::string fta_id, std::string token, const SimAgentOptions& options);

  // Dials and says hello.
  void Start();
  // Every sample interval: heartbeat when due, a sample while a phase runs,
  // the phase's results once it is over.
  void Tick(int64_t now_ns);

  const std::string& fta_id() const { return fta_id_; }
  bool welcomed() const { return welcomed_ns_.load() != 0; }
  int64_t welcomed_ns() const { return welcomed_ns_.load(); }
  bool ended() const { return ended_.load(); }
  int64_t samples_sent() const { return samples_sent_.load(); }

  void OnReadDone(bool ok) override;
  void OnWriteDone(bool ok) override;
  void OnDone(const grpc::Status& status) override;

 private:
  void Handle(const fta::agent::v1::HostMessage& message);
  void EnqueueLocked(fta::agent::v1::AgentMessage message);
  void EndPhaseLocked(int64_t now_ns);

  const std::string fta_id_;
  const std::string token_;
  const SimAgentOptions options_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<fta::agent::v1::AgentGateway::Stub> stub_;
  grpc::ClientContext context_;
  fta::agent::v1::HostMessage incoming_;
  std::atomic<int64_t> welcomed_ns_{0};
  std::atomic<bool> ended_{false};
  std::atomic<int64_t> samples_sent_{0};

  std::mutex mu_;
  std::deque<fta::agent::v1::AgentMessage> outgoing_;
  bool writing_ = false;
  bool done_ = false;
  int heartbeat_ms_ = 1000;
  int64_t next_heartbeat_ns_ = 0;
  int64_t started_ns_ = 0;
  int64_t last_write_done_ns_ = 0;  // for the report of an ended stream
  // The job part and the phase that runs.
  fta::agent::v1::JobPart part_;
  bool in_phase_ = false;
  fta::agent::v1::Go go_;
  int64_t phase_start_ns_ = 0;
  int64_t last_sample_ns_ = 0;
  fta::agent::v1::AgentMessage batch_;
};

}  // namespace fta::bench
