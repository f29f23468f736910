// JobCoordinator: runs synchronised IOR jobs over FTAs.
//
// One thread per running job drives the agents through the same steps IOR's
// ranks go through under MPI: parts out, READY from all (deadline), then per
// iteration and phase a GO with a common start time and a wait for every
// rank's result, the barrier between phases included (job_phases.cc).
// Results are stored as they arrive; the aggregate is computed the IOR way
// from the ranks' own timestamps. An agent that fails, disconnects or misses
// the deadline ends the job FAILED (nothing measured) or PARTIAL (earlier
// phases kept), the others are cancelled, and the culprit is named.
//
// It reaches the fleet, the agents and time only through JobFleet,
// AgentLinks and Clock, so unit tests drive it with fakes.
//
//   absl::StatusOr<StartedJob> started = coordinator.Start(request);
//   while (auto event = started->events->PopFor(absl::Seconds(1))) { ... }
#pragma once

#include <sys/types.h>

#include <optional>
#include <utility>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "fta/v1/job.pb.h"
#include "lib/core/broadcast.h"
#include "lib/core/clock.h"
#include "lib/core/finished_threads.h"
#include "lib/fleet/fleet_ports.h"
#include "lib/ior/ior_params.h"
#include "lib/jobs/exec_broker.h"
#include "lib/jobs/job_files.h"
#include "lib/jobs/job_launcher.h"
#include "lib/jobs/job_metrics.h"
#include "lib/jobs/link_meter.h"
#include "lib/jobs/mpi_command.h"
#include "lib/jobs/start_lead.h"
#include "lib/store/store.h"

namespace fta::hostd {

// Progress events a watcher may have waiting before it misses the next
// ones (a slow `job watch` does not grow the daemon's memory).
inline constexpr size_t kMaxLiveBacklog = 256;

// The batch window of a job on `agents` agents: `configured_ms`, or longer
// when that many agents would send more than `messages_per_s` batches per
// second (at most 10 s; `messages_per_s` 0: no limit; `configured_ms` 0,
// every sample alone, stays 0). 1000 agents at 500/s: 2000 ms.
int SampleBatchWindowMs(int configured_ms, int agents, int messages_per_s);

class JobCoordinator final : public JobLauncher {
 public:
  struct Options {
    absl::Duration ready_timeout = absl::Seconds(60);
    absl::Duration deadline = absl::Hours(24);
    int sample_interval_ms = 250;
    int sample_batch_ms = 0;  // JobPart.sample_batch_ms, at least
    // Sample messages per second the job's agents may send in all; the
    // batch window grows with the agents to stay under it (0: no limit).
    int sample_messages_per_s = 0;
    absl::Duration native_start_timeout = absl::Seconds(30);
    // False for the libvirt backend: guests have their own filesystems, so
    // the host cannot check a guest job's directory (the agents do, and
    // fail their part naming it). Native jobs are always checked here.
    bool guests_share_host_filesystem = true;
    // The meter for the IB ports behind a job's VFs (FTA id -> VF address,
    // "" for none); null, or returning null, when there is nothing to meter.
    std::function<std::unique_ptr<LinkMeter>(const std::map<std::string, std::string>& vf_by_fta)> link_meter_for;
    // Memory available for the page cache now, bytes (< 0 unknown), for the
    // read phases' cache note (job_results.h CacheNote); null: no note.
    std::function<int64_t()> available_memory_bytes;
    // Memory of an FTA of this kind, bytes (<= 0 unknown: no check): the
    // transfer buffers of a job's ranks on one FTA (transfer size x ranks per
    // FTA) may use at most half of it.
    std::function<int64_t(fta::v1::FtaKind)> memory_bytes_of_kind;
    // Called with the files a job will create on this host before it starts
    // (none when they are on a guest's own file system) and with the job's
    // final state; see job_files.h.
    JobFileKeeper* file_keeper = nullptr;
    // Samples, rates and job ends for the metrics endpoint; null: none.
    JobMetricsSink* metrics = nullptr;
    // Engine ior (job_mpi.cc): mpi.mpirun "" = no mpirun on this host, the
    // engine is refused naming it. The relay reaches the broker through
    // the control socket (mpi_relay_target, "unix:PATH"); each job's
    // hostfile, mpirun output and IOR result live in mpi_work_dir/<job id>.
    MpirunSettings mpi;
    std::string mpi_relay_target;
    std::string mpi_work_dir;
    // The agents' user when they run as another: IOR's rank 0 (their child)
    // writes its summary into the job's work directory, so it is theirs
    // (0700) inside a 0711 mpi_work_dir. Null: agents run as fta-hostd.
    std::optional<std::pair<uid_t, gid_t>> mpi_work_owner;
    ExecBroker* exec_broker = nullptr;  // not owned; null: engine ior refused
  };
  using Started = StartedJob;

  // Nothing is owned.
  JobCoordinator(Options options, store::Store* store, JobFleet* fleet, AgentLinks* links, const Clock* clock);
  ~JobCoordinator() override;  // Shutdown()

  // Daemon start: jobs a previous run left unfinished are marked FAILED
  // (their agents are gone or were restarted; nothing can be resumed), and
  // the files they left on this host are removed (Options::file_keeper).
  absl::Status RecoverAfterRestart();

  // The returned queue already holds the `started` event.
  absl::StatusOr<Started> Start(const fta::v1::RunIorRequest& request) override;
  // Events of a running job from now on; a finished job yields its
  // finished event only.
  absl::StatusOr<std::shared_ptr<JobEventQueue>> Watch(const std::string& job_id);
  absl::StatusOr<fta::v1::Job> Cancel(const std::string& job_id) override;
  // Daemon stop: cancels every running job and waits for their threads.
  void Shutdown(const std::string& reason);

  int RunningCount();

 private:
  struct AgentPlan {
    std::string fta_id;
    std::vector<int> ranks;
    fta::v1::JobAgentState state = fta::v1::JOB_AGENT_STATE_OK;
    std::string error;
  };
  struct RunningJob {
    explicit RunningJob(const Clock* clock) : events(clock) {}
    fta::v1::Job job;
    ior::IorParams params;
    std::vector<AgentPlan> agents;
    int total_ranks = 0;
    int64_t signature = 0;
    absl::Time deadline;
    absl::Time ready_deadline;
    std::shared_ptr<JobInbox> inbox;
    std::atomic<bool> cancel_requested{false};
    std::string cancel_reason;
    core::Broadcast<fta::v1::JobEvent> events;
    std::thread thread;
    std::unique_ptr<LinkMeter> link_meter;  // null: no VF behind the job
    bool files_on_host = false;             // the ranks' files are on this host's file system
    bool summaries_from_ior = false;        // engine ior: IOR's own Summary rows, kept
    // When the last part or GO went to each agent, and how long the last
    // send loop to all took: what StartLead learns from and adds.
    std::map<std::string, int64_t> sent_ns;
    absl::Duration send_loop;
    // The running phase's start: when, how far ahead, and the latest GO
    // arrival and rank parking the agents reported (agent clocks, unix ns).
    struct PhaseStart {
      int64_t at_ns = 0;
      absl::Duration lead;
      int64_t last_go_ns = 0;
      int64_t last_parked_ns = 0;
    } phase_start;
  };
  class PhaseCollector;  // job_phases.cc
  struct MpiProgress;    // job_mpi.cc

  absl::StatusOr<std::vector<std::string>> ResolveTargets(const fta::v1::RunIorRequest& request,
                                                          absl::Time deadline);
  // The job as first stored, the parts planned; validation included.
  absl::StatusOr<std::unique_ptr<RunningJob>> Plan(const fta::v1::RunIorRequest& request);
  absl::StatusOr<Started> Launch(std::unique_ptr<RunningJob> job, const std::vector<std::string>& targets);
  void Run(RunningJob* job);
  absl::Status Drive(RunningJob* job);
  void SendParts(RunningJob* job);
  static std::vector<std::string> AgentIds(const RunningJob& job);
  // Sends `message` to every agent of the job, noting when (sent_ns, send_loop).
  void SendTimed(RunningJob* job, const fta::agent::v1::HostMessage& message);
  // `fta_id` acted at `at_ns` on the last message sent to it: one delivery for StartLead.
  void ObserveDelivery(RunningJob* job, const std::string& fta_id, int64_t at_ns, Delivery kind);
  // Waits until every agent in `pending` sent what `accept` takes. Samples go
  // to progress on the way. On failure the agent's plan entry says why.
  absl::Status Collect(RunningJob* job, std::set<std::string> pending, absl::Time deadline,
                       const std::string& waiting_for,
                       const std::function<bool(const std::string&, const fta::agent::v1::AgentMessage&)>& accept);
  // ---- job_phases.cc ----
  absl::Status RunPhase(RunningJob* job, int iteration, fta::v1::Phase phase);
  fta::agent::v1::HostMessage MakeGo(const RunningJob& job, int iteration, fta::v1::Phase phase,
                                     absl::Duration lead);
  // Stores the ranks' results and the phase's aggregate, and publishes it.
  absl::Status RecordPhase(RunningJob* job, int iteration, fta::v1::Phase phase,
                           std::vector<fta::v1::RankPhaseResult> results);
  void Finalize(RunningJob* job, const absl::Status& outcome);
  // ---- job_mpi.cc (engine ior) ----
  // What is wrong with running engine ior here ("" = nothing).
  std::string MpiProblem() const;
  // The job's FTAs whose processes are this host's (process and native).
  std::set<std::string> LocalFtas(const RunningJob& job);
  absl::Status DriveMpi(RunningJob* job);
  // mpirun's exit code; relays the agents' exec messages meanwhile.
  absl::StatusOr<int> WaitMpirun(RunningJob* job, pid_t mpirun);
  void OnMpiSample(RunningJob* job, MpiProgress& progress, const fta::agent::v1::ThroughputSample& sample);
  absl::Status ImportMpiResult(RunningJob* job, const MpiJobFiles& files);
  void SendToAll(RunningJob* job, const fta::agent::v1::HostMessage& message);

  const Options options_;
  store::Store* store_;
  JobFleet* fleet_;
  AgentLinks* links_;
  const Clock* clock_;
  StartLead start_lead_;  // shared by all jobs: delivery estimates per agent

  std::mutex mu_;
  std::map<std::string, std::unique_ptr<RunningJob>> running_ ABSL_GUARDED_BY(mu_);
  core::FinishedThreads finished_threads_;
  bool shutting_down_ ABSL_GUARDED_BY(mu_) = false;
  std::condition_variable job_finished_cv_;  // a job left running_
};

// "write", "read", "remove".
std::string PhaseName(fta::v1::Phase phase);

}  // namespace fta::hostd
