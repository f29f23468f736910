// The agent's half of the job protocol (proto/fta/agent/v1/agent.proto): takes
// JobPart / Go / Cancel / Finish / SyncRelease from fta-hostd and answers
// with PartReady, ThroughputSample, SyncArrive, PhaseDone and PartFailed
// through a MessageSink.
//
// Handle() is called on the stream's reader thread and never waits for file
// I/O: each Go runs on its own worker thread (which starts rank threads
// through RunPhase). One job at a time.
//
//   JobRunner runner("fta-3", &clock, MakePosixEngineFactory(&clock),
//                    [&](const v1::AgentMessage& m) { return session.Send(m); });
//   runner.Handle(host_message);   // from the reader thread
//   runner.DropAll("stream lost"); // when the stream goes away
//   runner.JoinAll();              // before destruction
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "fta/agent/v1/agent.pb.h"
#include "lib/agent/rank_engine.h"
#include "lib/core/clock.h"

namespace fta::agent {

// Delivers one message to fta-hostd; false when the stream is gone (the
// message is then lost, which is fine: losing the stream drops the job).
using MessageSink = std::function<bool(const v1::AgentMessage&)>;

// How long after a phase's start its supervisor stays quiet (no samples, no
// report): a quarter of the GO's lead, but at least 0.5 ms per rank of the
// job (their wake-up on a small host), at most 100 ms.
int64_t SettleAfterStartNs(int64_t lead_ns, int total_ranks);

class JobRunner {
 public:
  // `clock` is not owned. `sink` may be called from any thread, concurrently.
  // Parts of engine ior are refused: that engine is mpirun's (exec_runner.h).
  JobRunner(std::string fta_id, const Clock* clock, EngineFactory engine_factory, MessageSink sink);
  ~JobRunner();  // DropAll + JoinAll

  JobRunner(const JobRunner&) = delete;
  JobRunner& operator=(const JobRunner&) = delete;

  // Dispatches part / go / cancel / finish; ignores other bodies.
  void Handle(const v1::HostMessage& message);

  // Cancels and forgets the current job without telling the host (the
  // stream is gone or the agent is stopping).
  void DropAll(absl::string_view reason);

  // Waits for every worker thread. Engines stop within one transfer after a
  // drop, so call DropAll first unless waiting for phases to finish is meant.
  void JoinAll();

 private:
  struct Job;

  void OnPart(const v1::JobPart& part);
  void OnGo(const v1::Go& go);
  void OnCancel(const v1::Cancel& cancel);
  void OnFinish(const v1::Finish& finish);
  void OnSyncRelease(const v1::SyncRelease& release);

  // The active job if its id is `job_id`, else null (logged at debug).
  std::shared_ptr<Job> FindActive(const std::string& job_id, const char* what);
  void DropActiveLocked(absl::string_view reason) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Joins worker threads that have already returned; never waits.
  void ReapLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  // `received_ns`: when the Go arrived (reported in PhaseDone).
  void RunGo(const std::shared_ptr<Job>& job, const v1::Go& go, int64_t received_ns);
  // Sends `message` unless the job has been dropped; see Job::dropped.
  void SendForJob(Job& job, const v1::AgentMessage& message);
  void SendFailed(const std::string& job_id, const std::string& text, fta::v1::Phase phase, int iteration);

  const std::string fta_id_;
  const Clock* const clock_;
  const EngineFactory engine_factory_;
  const MessageSink sink_;

  struct Worker {
    std::thread thread;
    std::shared_ptr<std::atomic<bool>> exited;
  };

  absl::Mutex mu_;
  std::shared_ptr<Job> active_ ABSL_GUARDED_BY(mu_);
  std::vector<Worker> workers_ ABSL_GUARDED_BY(mu_);
};

}  // namespace fta::agent
