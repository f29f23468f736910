// One fta-agent's connection to fta-hostd: keeps the AgentGateway.Connect
// stream open for the life of the process and feeds host messages to a
// JobRunner.
//
// Per stream: AgentHello goes first; the host answers Welcome (which sets the
// heartbeat interval, 1 s until then); AgentHeartbeat follows after that
// long a silence: any message shows the host the agent is alive, so while a
// job streams sample batches no heartbeat is sent (at 1000 agents each
// message costs the host ~0.1 ms of CPU). Job messages go to the JobRunner.
// When the stream fails or ends (daemon restart) the running job is
// dropped and the session dials again after an exponential backoff
// (100 ms doubling to 5 s, back to 100 ms once a stream got its Welcome),
// forever, until Stop().
//
//   RealClock clock;
//   AgentSession session(options, &clock, MakePosixEngineFactory(&clock));
//   session.Start();
//   ... wait for SIGTERM ...
//   session.Stop();
//
// Threads: a connection thread (dials, reads, dispatches; never does file
// I/O), a heartbeat thread, and the JobRunner's phase workers. Writes from
// all of them are serialised by one mutex.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "fta/agent/v1/agent.grpc.pb.h"
#include "lib/agent/exec_runner.h"
#include "lib/agent/job_runner.h"
#include "lib/agent/rank_engine.h"
#include "lib/core/clock.h"

namespace fta::agent {

struct AgentOptions {
  std::string connect_address;  // gRPC target: "unix:/path" or "host:port"
  std::string fta_id;
  std::string token;     // already read from the token file, "" when none
  // TLS (mTLS: the agent's own certificate, and the CA that signed the
  // daemon's): all three set, or all "" for a plaintext channel. Read at
  // every dial, so rotated files are picked up on the next reconnect.
  std::string tls_ca_file, tls_cert_file, tls_key_file;
  std::string ior_path;  // real `ior` binary, "" when none
  std::string ior_version;  // from ProbeIorVersion, reported in Hello
  std::string hostname;  // "" = gethostname()
  std::chrono::milliseconds initial_backoff{100};
  std::chrono::milliseconds max_backoff{5000};
  std::chrono::milliseconds default_heartbeat_interval{1000};
  // Called (from the connection thread) when the daemon answers that it does
  // not know this FTA (NOT_FOUND): the FTA was released or never existed, so
  // retrying forever would leave an orphan. The session stops reconnecting;
  // fta-agent's main exits. Empty: keep retrying.
  std::function<void(const std::string& why)> on_retired;
};

class AgentSession {
 public:
  // `clock` is not owned and must outlive the session.
  AgentSession(AgentOptions options, const Clock* clock, EngineFactory engine_factory);
  ~AgentSession();  // Stop()

  AgentSession(const AgentSession&) = delete;
  AgentSession& operator=(const AgentSession&) = delete;

  // Starts the connection and heartbeat threads; call once.
  void Start();

  // Drops the job (engines stop within one transfer), half-closes and
  // cancels the stream, joins every thread. Idempotent, thread-safe.
  void Stop();

  // Writes one message on the current stream; false when there is none or
  // the write failed (the reader then sees the stream end and reconnects).
  bool Send(const v1::AgentMessage& message);

 private:
  using Stream = grpc::ClientReaderWriter<v1::AgentMessage, v1::HostMessage>;

  void ConnectionLoop();
  void HeartbeatLoop();
  // Dials, says Hello, reads until the stream ends. True when the host
  // answered with Welcome (the dial counts as a success for the backoff).
  bool RunOneStream();
  void Dispatch(const v1::HostMessage& message, bool* welcomed);
  v1::AgentMessage MakeHello() const;
  int64_t MillisSinceLastWrite();
  bool Stopping();

  const AgentOptions options_;
  const Clock* const clock_;

  absl::Mutex state_mu_;
  bool started_ ABSL_GUARDED_BY(state_mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(state_mu_) = false;
  // Connection thread only.
  bool retired_ = false;
  std::string retired_reason_;
  std::chrono::milliseconds heartbeat_interval_ ABSL_GUARDED_BY(state_mu_);
  // Set by Welcome so the heartbeat loop restarts its wait with the new
  // interval instead of finishing the old (default 1 s) one.
  bool heartbeat_interval_changed_ ABSL_GUARDED_BY(state_mu_) = false;

  // The live call. context_ is published as soon as the call exists so Stop
  // can cancel a hanging dial; stream_ only after Hello went out, so no
  // heartbeat or job message can overtake the Hello.
  absl::Mutex write_mu_;
  grpc::ClientContext* context_ ABSL_GUARDED_BY(write_mu_) = nullptr;
  Stream* stream_ ABSL_GUARDED_BY(write_mu_) = nullptr;
  // Clock reading of the last message written (the heartbeat's reference).
  int64_t last_write_ms_ ABSL_GUARDED_BY(write_mu_) = 0;

  // Declared after the mutexes their sinks use, so they are destroyed first.
  JobRunner runner_;
  ExecRunner execs_;  // the MPI relay's commands (orted)

  std::thread connection_thread_;
  std::thread heartbeat_thread_;
};

}  // namespace fta::agent
