// AgentRegistry: who is connected, and where their messages go.
//
// The AgentGateway hands every stream's messages here. The registry checks
// each hello (sizes, known FTA id, the FTA's own token, the id of the peer's
// client certificate, not already connected), tracks heartbeats, and routes job
// messages to the job that owns them through a JobInbox (fleet_ports.h), so the gRPC
// callback threads never block on job logic. The listener (FtaManager, which
// writes the store) is called from a thread of the registry's own, in the
// order of the events: a callback thread blocked on the database during a
// large allocation would stall every stream it serves (at 1000 agents the
// heartbeats of connected agents went unread for 10 s and they were
// dropped as silent).
//
//   registry.Expect("fta-3");                 // FtaManager, before launch
//   registry.WaitConnected({"fta-3"}, deadline);
//   auto inbox = registry.OpenInbox("job-7"); // JobCoordinator
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "fta/agent/v1/agent.pb.h"
#include "lib/core/clock.h"
#include "lib/core/event_queue.h"
#include "lib/fleet/fleet_ports.h"

namespace fta::hostd {

// Told about connection changes (FtaManager keeps the store up to date).
class AgentListener {
 public:
  virtual ~AgentListener() = default;
  virtual void OnAgentConnected(const fta::agent::v1::AgentHello& hello) = 0;
  virtual void OnAgentLost(const std::string& fta_id, const std::string& reason) = 0;
};

// Size caps of what agents send, checked before anything else reads it.
struct AgentHelloLimits {
  static constexpr size_t kId = 128;
  static constexpr size_t kHostname = 255;
  static constexpr size_t kVersion = 256;
  static constexpr size_t kToken = 256;
  static constexpr size_t kPath = 4096;
  static constexpr size_t kErrorMessage = 4096;  // PartFailed.message is cut to this
};
absl::Status CheckHelloSizes(const fta::agent::v1::AgentHello& hello);

class AgentRegistry final : public AgentLinks {
 public:
  struct Options {
    // Whether `token` is the FTA's own secret (AgentCredentials); empty
    // disables the check.
    std::function<bool(const std::string& fta_id, const std::string& token)> token_matches;
    int heartbeat_interval_ms = 1000;
    int heartbeat_timeout_ms = 10000;
    // Sample messages a job's inbox may hold before more are dropped
    // (back-pressure: a job thread that falls behind loses live progress,
    // never a result, and the inbox does not grow without bound).
    size_t max_sample_backlog = 4096;
  };
  // `clock` and `listener` are not owned and must outlive the registry.
  AgentRegistry(Options options, const Clock* clock, AgentListener* listener);
  ~AgentRegistry() override;

  // ---- FTA lifecycle (FtaManager) ----
  void Expect(const std::string& fta_id);
  // Forgets the id and closes its stream if connected.
  void Forget(const std::string& fta_id, const std::string& reason);
  bool IsConnected(const std::string& fta_id);
  std::vector<std::string> ConnectedIds();
  // OK when all are connected; DEADLINE_EXCEEDED naming the missing ones;
  // UNAVAILABLE once StopWaiting() was called.
  absl::Status WaitConnected(const std::vector<std::string>& fta_ids, absl::Time deadline);
  // Daemon stop, first step: every WaitConnected returns at once (an
  // allocation waiting out agents.connect_timeout_s would otherwise hold the
  // control server's shutdown, and the daemon, for that long).
  void StopWaiting();
  std::shared_ptr<AgentConnection> Find(const std::string& fta_id) override;
  // Daemon stop: ends every stream so the server can shut down at once; the
  // agents keep retrying and reconnect to the next daemon.
  void CloseAll(const std::string& reason);

  // ---- Jobs (JobCoordinator) ----
  // Messages carrying this job id, and the loss of any agent, go to the inbox.
  std::shared_ptr<JobInbox> OpenInbox(const std::string& job_id, const std::set<std::string>& fta_ids) override;
  void CloseInbox(const std::string& job_id) override;

  // ---- Streams (AgentGateway) ----
  // Validates the hello: INVALID_ARGUMENT for a field over its size cap
  // (AgentHelloLimits), PERMISSION_DENIED when `certified_id` (the FTA id
  // of the peer's client certificate; "" without TLS) is another id or the
  // token is not the FTA's (checked in that order, before anything says
  // whether the id exists), NOT_FOUND for an id this host does not expect
  // (any more), ALREADY_EXISTS while another stream speaks for the id (never
  // a takeover: the first stream stays). Errors echo ids abbreviated.
  absl::Status OnHello(const fta::agent::v1::AgentHello& hello, const std::string& certified_id,
                       std::shared_ptr<AgentConnection> connection);
  void OnMessage(const std::string& fta_id, const fta::agent::v1::AgentMessage& message);
  // The stream of `connection` ended.
  void OnDisconnect(const std::string& fta_id, const AgentConnection* connection, const std::string& reason);

  int heartbeat_interval_ms() const { return options_.heartbeat_interval_ms; }
  // Advances every round of the heartbeat loop (the daemon's liveness check).
  uint64_t loop_ticks() const { return loop_ticks_.load(std::memory_order_relaxed); }
  // Sample messages dropped because their job's inbox was full.
  uint64_t samples_dropped() const { return samples_dropped_.load(std::memory_order_relaxed); }

 private:
  struct Session {
    std::shared_ptr<AgentConnection> connection;
    int64_t last_seen_ms = 0;
    // Set once the listener recorded the connection: waiters must not see an
    // agent as connected before `fta list` does.
    bool announced = false;
  };
  struct InboxEntry {
    std::shared_ptr<JobInbox> inbox;
    std::set<std::string> fta_ids;
  };
  void HeartbeatLoop();
  static std::string JobIdOf(const fta::agent::v1::AgentMessage& message);

  const Options options_;
  const Clock* clock_;
  AgentListener* listener_;

  std::mutex mu_;
  std::condition_variable connected_cv_;
  std::set<std::string> expected_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, Session> sessions_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, InboxEntry> inboxes_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool waits_stopped_ ABSL_GUARDED_BY(mu_) = false;
  std::condition_variable stop_cv_;
  std::atomic<uint64_t> loop_ticks_{0};
  std::atomic<uint64_t> samples_dropped_{0};
  std::thread heartbeat_thread_;

  // Listener calls, in order (see the top of the file); drained at stop.
  core::EventQueue<std::function<void()>> records_{clock_};
  std::thread record_thread_;
};

}  // namespace fta::hostd
