// The agent's end of the MPI launcher relay (agent.proto ExecStart/ExecKill):
// runs the command fta-hostd relays from OpenMPI's plm_rsh_agent (orted)
// and reports back through the MessageSink: its stdout/stderr as ExecOutput
// chunks, its end as ExecExited, and, every sample interval, the bytes the
// other processes of its session (the IOR ranks orted started) read or
// wrote (/proc/<pid>/io rchar, wchar) as ThroughputSamples of the job.
//
// Each command leads a session of its own (lib/core/session_process.h), dies
// with the agent (PR_SET_PDEATHSIG), and gets a private TMPDIR (removed at
// its end) so two FTAs' orteds on one host never share OpenMPI's session
// directory. When it ends, or is killed (ExecKill, the job's Cancel/Finish,
// the stream to fta-hostd ending), everything left in its session is
// SIGKILLed: no rank outlives its orted.
//
//   ExecRunner execs(&clock, sink);
//   execs.Start(message.exec_start());   // from the stream's reader thread
//   execs.KillJob(job_id);
//   execs.KillAll();  execs.JoinAll();
#pragma once

#include <sys/types.h>

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "fta/agent/v1/agent.pb.h"
#include "lib/agent/job_runner.h"
#include "lib/core/clock.h"

namespace fta::agent {

class ExecRunner {
 public:
  // `clock` is not owned; `sink` may be called from any thread.
  ExecRunner(const Clock* clock, MessageSink sink);
  ~ExecRunner();  // KillAll + JoinAll

  ExecRunner(const ExecRunner&) = delete;
  ExecRunner& operator=(const ExecRunner&) = delete;

  // Never blocks on the command: a thread per command.
  void Start(const v1::ExecStart& start);
  void Kill(const std::string& exec_id);
  void KillJob(const std::string& job_id);
  void KillAll();
  void JoinAll();

 private:
  struct Exec {
    v1::ExecStart start;
    std::atomic<pid_t> pid{-1};
    std::atomic<bool> killed{false};
    std::atomic<bool> finished{false};
    std::thread thread;
  };

  void Run(Exec* exec);
  void KillLocked(Exec* exec) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void ReapLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const Clock* const clock_;
  const MessageSink sink_;
  absl::Mutex mu_;
  std::map<std::string, std::unique_ptr<Exec>> execs_ ABSL_GUARDED_BY(mu_);
};

}  // namespace fta::agent
