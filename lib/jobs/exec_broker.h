// ExecBroker: fta-hostd's middle of the MPI launcher relay. An engine-ior
// job opens itself here with a secret token (put in its mpirun's
// environment); fta-mpi-relay, started by that mpirun for each FTA, calls
// MpiRelay.Exec (lib/services/relay_service.h) with the token, and the
// broker starts OpenMPI's orted on that FTA's agent (ExecStart) and streams
// the agent's ExecOutput / ExecExited back. The job's thread feeds the
// agents' exec messages in (they reach it through the job's inbox like any
// message carrying its id) and tells the broker when an FTA is lost or the
// job ends, which ends the relays' calls (UNAVAILABLE / ABORTED), so
// mpirun sees its launcher fail and stops.
//
//   broker.OpenJob("job-7", token, {"fta-1", "fta-2"}, 250);
//   ... job thread:   broker.Deliver(fta_id, agent_message);
//   ... relay's call: broker.Exec(request, write, cancelled);
//   broker.CloseJob("job-7", "job finished");
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "fta/agent/v1/agent.pb.h"
#include "fta/agent/v1/relay.pb.h"
#include "lib/core/clock.h"
#include "lib/core/event_queue.h"
#include "lib/fleet/fleet_ports.h"

namespace fta::hostd {

class ExecBroker {
 public:
  // Not owned.
  ExecBroker(AgentLinks* links, const Clock* clock) : links_(links), clock_(clock) {}

  void OpenJob(const std::string& job_id, const std::string& token, std::set<std::string> fta_ids,
               int sample_interval_ms);
  // Ends every relayed command of the job still waiting (ABORTED with `reason`).
  void CloseJob(const std::string& job_id, const std::string& reason);
  // The FTA's commands end UNAVAILABLE naming the loss. `on_this_host`: the
  // FTA's processes are this host's (process FTAs), so the sessions its
  // agent reported (ExecStarted) are ended here, ranks included: the agent
  // that would have is gone.
  void FtaLost(const std::string& job_id, const std::string& fta_id, const std::string& reason, bool on_this_host);
  // Ends the sessions the agents of `ftas` (this host's FTAs) reported for
  // the job's running commands: a failed job's orteds and ranks are gone
  // when the job is reported, not only once each agent got its Cancel.
  void KillSessions(const std::string& job_id, const std::set<std::string>& ftas);
  // An agent's ExecStarted / ExecOutput / ExecExited (others are ignored).
  void Deliver(const std::string& fta_id, const fta::agent::v1::AgentMessage& message);

  // Runs one relayed command to its end: `write` gets output and the final
  // exit event (false: the relay is gone); `cancelled` is polled and kills
  // the command on the agent. PERMISSION_DENIED for an unknown job or a
  // wrong token, INVALID_ARGUMENT for an FTA not in the job or an argv
  // other than orted's (mpi_command.h OrtedArgv).
  absl::Status Exec(const fta::agent::v1::RelayExecRequest& request,
                    const std::function<bool(const fta::agent::v1::RelayExecEvent&)>& write,
                    const std::function<bool()>& cancelled);

 private:
  struct ExecEvent {
    std::optional<fta::agent::v1::AgentMessage> message;
    absl::Status ended;  // with no message: why the command's call ends
  };
  using ExecQueue = core::EventQueue<ExecEvent>;
  struct RunningExec {
    std::string job_id;
    std::string fta_id;
    std::shared_ptr<ExecQueue> queue;
    int64_t pid = 0;  // from ExecStarted
  };
  struct JobEntry {
    std::string token;
    std::set<std::string> fta_ids;
    int sample_interval_ms = 0;
  };

  // Ends the matching commands' calls with `status`.
  void EndExecs(const std::function<bool(const RunningExec&)>& match, const absl::Status& status);
  absl::StatusOr<std::shared_ptr<ExecQueue>> Register(const fta::agent::v1::RelayExecRequest& request,
                                                     const std::string& exec_id, int* sample_interval_ms);

  // Relays the command's events until it exits or its call ends.
  absl::Status Pump(ExecQueue& queue, const std::function<bool(const fta::agent::v1::RelayExecEvent&)>& write,
                    const std::function<bool()>& cancelled);

  AgentLinks* links_;
  const Clock* clock_;
  std::mutex mu_;
  std::map<std::string, JobEntry> jobs_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, RunningExec> execs_ ABSL_GUARDED_BY(mu_);
  int64_t next_exec_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace fta::hostd
