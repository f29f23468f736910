// SweepRunner: runs sweeps (see proto/fta/v1/sweep.proto), one at a time.
//
// A sweep is a plan of IOR jobs (sweep_plan.h). One thread per running sweep
// walks the plan (sweep_steps.cc): it brings the running FTAs to the step's N
// through the fleet (reusing running ones, allocating the missing, releasing
// the extra), runs the step's write+read job through the JobLauncher, and
// stores the run, its points and its snapshot before the next step. The
// store is the truth: a sweep's progress is the set of completed runs, so a
// resumed sweep (Resume, e.g. after the daemon was killed) skips them.
//
//   absl::StatusOr<SweepRunner::Started> started = runner.Start(spec);
//   while (auto event = started->events->PopFor(absl::Seconds(1))) { ... }
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "fta/v1/sweep.pb.h"
#include "lib/core/broadcast.h"
#include "lib/core/clock.h"
#include "lib/core/finished_threads.h"
#include "lib/fleet/fleet_ports.h"
#include "lib/jobs/job_launcher.h"
#include "lib/sriov/discovery.h"
#include "lib/store/store.h"
#include "lib/sweeps/sweep_plan.h"

namespace fta::hostd {

// One subscriber's queue of sweep events. Closed after the finished event.
using SweepEventQueue = core::EventQueue<fta::v1::SweepEvent>;

class SweepRunner {
 public:
  struct Options {
    std::string backend;                        // the daemon's default; a spec may name another of `backends`
    std::vector<std::string> backends;          // every backend this host offers (containers: "lxc")
    absl::Duration connect_timeout = absl::Seconds(60);
    fta::v1::RunSnapshot host;                  // DescribeHost(config)
    // The VF inventory as it is now, for each run's PF and link rate; empty
    // when the daemon has no VF pool.
    std::function<absl::StatusOr<sriov::Inventory>()> read_vf_inventory;
  };
  struct Started {
    fta::v1::Sweep sweep;
    std::shared_ptr<SweepEventQueue> events;
  };

  // Nothing is owned.
  SweepRunner(Options options, store::Store* store, SweepFleet* fleet, JobLauncher* jobs, const Clock* clock);
  ~SweepRunner();  // Shutdown()

  // Daemon start: a sweep the previous run left RUNNING keeps its finished
  // runs and is marked INTERRUPTED, waiting for `ftactl sweep resume` (its
  // FTAs may not have come back).
  absl::Status RecoverAfterRestart();

  // Validates (errors name the flag), stores the sweep and starts it.
  // FAILED_PRECONDITION while another sweep runs; RESOURCE_EXHAUSTED when N
  // exceeds the host's FTA capacity.
  absl::StatusOr<Started> Start(const fta::v1::SweepSpec& spec);
  // Continues a sweep that is not running and not completed.
  absl::StatusOr<Started> Resume(const std::string& id);
  absl::StatusOr<std::shared_ptr<SweepEventQueue>> Watch(const std::string& id);
  // Stops the running sweep (its job is cancelled) and returns it as stored.
  absl::StatusOr<fta::v1::Sweep> Cancel(const std::string& id);
  // The stored sweep with its summary.
  absl::StatusOr<fta::v1::Sweep> Get(const std::string& id);
  // Newest first, summaries included, runs and points left out.
  absl::StatusOr<Page<fta::v1::Sweep>> List(const PageQuery& query);
  // Daemon stop: the running sweep is recorded INTERRUPTED (resumable).
  void Shutdown(const std::string& reason);

 private:
  struct ActiveSweep {
    explicit ActiveSweep(const Clock* clock) : events(clock) {}
    fta::v1::Sweep sweep;  // row fields only
    std::vector<SweepStep> plan;
    std::atomic<bool> interrupted{false};
    std::mutex mu;
    bool cancel_requested ABSL_GUARDED_BY(mu) = false;
    std::string stop_reason ABSL_GUARDED_BY(mu);
    std::string current_job ABSL_GUARDED_BY(mu);
    core::Broadcast<fta::v1::SweepEvent> events;
    std::thread thread;
  };

  absl::StatusOr<Started> Launch(fta::v1::Sweep sweep, std::vector<SweepStep> plan);
  absl::Status CheckCapacity(const fta::v1::SweepSpec& spec);
  void Run(ActiveSweep* active);
  // Marks the sweep stopping; the job it runs, if any, to cancel.
  std::string StopActive(const std::string& reason, bool interrupt) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void StopAndWait(const std::string& id, const std::string& job_to_cancel);
  // A stop was asked for: the reason, else nullopt.
  static std::optional<std::string> StopRequested(ActiveSweep* active);

  // ---- sweep_steps.cc ----
  // Runs one step and stores its run (also when the job failed).
  absl::Status RunStep(ActiveSweep* active, const SweepStep& step, int steps_done);
  // `count` ready FTAs of `backend` (UNSPECIFIED = the default), allocating
  // or releasing FTAs of that backend only.
  absl::StatusOr<std::vector<std::string>> EnsureFtas(int count, fta::v1::Backend backend);
  // The step's job, followed to its end (cancelled when the sweep stops).
  absl::StatusOr<fta::v1::Job> RunJob(ActiveSweep* active, const SweepStep& step,
                                      const std::vector<std::string>& targets, int steps_done, fta::v1::SweepRun* run);
  // Stores a finished job's run with its points and snapshot; the step's outcome.
  absl::Status RecordRun(ActiveSweep* active, const SweepStep& step, const std::vector<std::string>& targets,
                         const fta::v1::Job& finished, fta::v1::SweepRun* run);
  // Stores the run of a step that ended before (or without) its job.
  absl::Status RecordFailure(const std::string& sweep_id, fta::v1::SweepRun* run, const absl::Status& status);
  void PublishProgress(ActiveSweep* active, const SweepStep& step, int steps_done, const std::string& activity,
                       fta::v1::Phase phase, double mib, const std::string& job);

  const Options options_;
  store::Store* store_;
  SweepFleet* fleet_;
  JobLauncher* jobs_;
  const Clock* clock_;

  std::mutex mu_;
  std::condition_variable finished_cv_;
  std::unique_ptr<ActiveSweep> active_ ABSL_GUARDED_BY(mu_);
  core::FinishedThreads finished_threads_;
  bool shutting_down_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace fta::hostd
