// SweepRunner, one step of the plan: the fleet brought to the step's N, the
// step's job run and followed, and its run stored with points and snapshot.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "lib/core/status_macros.h"
#include "lib/core/units.h"
#include "lib/fleet/fta_kinds.h"
#include "lib/jobs/job_results.h"
#include "lib/report/summary.h"
#include "lib/sweeps/sweep_runner.h"
#include "lib/sweeps/sweep_snapshot.h"
#include "spdlog/spdlog.h"

namespace fta::hostd {
namespace {

std::string StepName(const SweepStep& step) {
  return absl::StrCat("-t ", FormatSize(step.transfer_size), " ", report::TargetName(step.target), " N=",
                      step.fta_count, step.repetition > 0 ? absl::StrCat(" rep ", step.repetition + 1) : "");
}

// One phase of a finished job, over its iterations.
struct PhaseResult {
  double mib = 0;          // mean MiB/s; 0 when not measured
  int64_t bytes = 0;       // of the last iteration
  double seconds = 0;      // of the last iteration
  double link_pct = -1;    // mean of each iteration's busiest readable port; -1 unmetered
};

PhaseResult ResultOf(const fta::v1::Job& job, fta::v1::Phase phase) {
  PhaseResult result;
  double sum = 0, link_sum = 0;
  int count = 0, metered = 0;
  for (const auto& aggregate : job.aggregates()) {
    if (aggregate.phase() != phase) continue;
    sum += aggregate.bandwidth_mib();
    result.bytes = aggregate.bytes();
    result.seconds = aggregate.total_seconds();
    ++count;
    double busiest = -1;
    for (const auto& link : aggregate.links()) {
      if (link.error().empty()) busiest = std::max(busiest, link.utilisation_pct());
    }
    if (busiest >= 0) {
      link_sum += busiest;
      ++metered;
    }
  }
  result.mib = count > 0 ? sum / count : 0;
  result.link_pct = metered > 0 ? link_sum / metered : -1;
  return result;
}

fta::v1::SweepRun RunOf(const SweepStep& step) {
  fta::v1::SweepRun run;
  run.set_step(step.step);
  run.set_transfer_size_bytes(static_cast<int64_t>(step.transfer_size));
  run.set_block_size_bytes(static_cast<int64_t>(step.block_size));
  run.set_fta_count(step.fta_count);
  run.set_target(step.target);
  run.set_ranks(step.target == fta::v1::SWEEP_TARGET_FTAS ? step.fta_count : step.ranks);
  run.set_repetition(step.repetition);
  run.set_note(step.note);
  return run;
}

fta::v1::RunIorRequest RequestOf(const fta::v1::SweepSpec& sweep, const SweepStep& step,
                                 const std::vector<std::string>& targets) {
  fta::v1::RunIorRequest request;
  for (const std::string& id : targets) request.add_on(id);
  fta::v1::IorSpec& spec = *request.mutable_spec();
  spec.set_transfer_size(FormatSize(step.transfer_size));
  spec.set_block_size(FormatSize(step.block_size));
  spec.set_write(true);
  spec.set_read(true);
  spec.set_fsync(sweep.fsync());
  spec.set_directory(sweep.directory());
  spec.set_ranks_per_fta(step.target == fta::v1::SWEEP_TARGET_NATIVE_MATCHED ? step.ranks : 1);
  request.set_ready_timeout_s(sweep.ready_timeout_s());
  return request;
}

}  // namespace

void SweepRunner::PublishProgress(ActiveSweep* active, const SweepStep& step, int steps_done,
                                  const std::string& activity, fta::v1::Phase phase, double mib,
                                  const std::string& job) {
  fta::v1::SweepEvent event;
  fta::v1::SweepProgress* p = event.mutable_progress();
  p->set_steps_done(steps_done);
  p->set_steps_total(static_cast<int32_t>(active->plan.size()));
  p->set_step(step.step);
  p->set_transfer_size_bytes(static_cast<int64_t>(step.transfer_size));
  p->set_fta_count(step.fta_count);
  p->set_target(step.target);
  p->set_phase(phase);
  p->set_current_mib(mib);
  p->set_job_id(job);
  p->set_activity(activity);
  active->events.Publish(event);
}

absl::StatusOr<std::vector<std::string>> SweepRunner::EnsureFtas(int count, fta::v1::Backend requested) {
  const fta::v1::Backend backend = requested == fta::v1::BACKEND_UNSPECIFIED ? BackendOf(options_.backend) : requested;
  FTA_ASSIGN_OR_RETURN(std::vector<fta::v1::Fta> listed, fleet_->List(/*include_released=*/false));
  std::vector<std::string> starting, broken;
  for (const fta::v1::Fta& fta : listed) {
    if (!IsAllocatedKind(fta.kind())) continue;
    if (fta.state() == fta::v1::FTA_STATE_STARTING) starting.push_back(fta.id());
    if (fta.state() == fta::v1::FTA_STATE_FAILED || fta.state() == fta::v1::FTA_STATE_LOST) broken.push_back(fta.id());
  }
  // FTAs adopted after a daemon restart reconnect on their own; give them
  // the connect timeout, and replace the ones that do not make it.
  if (!starting.empty()) {
    absl::StatusOr<std::vector<fta::v1::Fta>> ready = fleet_->WaitReady(starting, options_.connect_timeout);
    if (!ready.ok()) {
      spdlog::warn("sweep: adopted FTAs not ready: {}", std::string(ready.status().message()));
      broken.insert(broken.end(), starting.begin(), starting.end());
    }
  }
  for (const std::string& id : broken) {
    absl::StatusOr<std::vector<std::string>> released = fleet_->Release({id}, false);
    if (!released.ok()) spdlog::warn("sweep: releasing {}: {}", id, std::string(released.status().message()));
  }
  FTA_ASSIGN_OR_RETURN(listed, fleet_->List(false));
  std::vector<std::string> usable;  // List sorts by id number
  for (const fta::v1::Fta& fta : listed) {
    // A record without a backend is the default's (records from before kinds).
    const fta::v1::Backend of = fta.backend() == fta::v1::BACKEND_UNSPECIFIED ? BackendOf(options_.backend) : fta.backend();
    if (IsAllocatedKind(fta.kind()) && of == backend &&
        (fta.state() == fta::v1::FTA_STATE_READY || fta.state() == fta::v1::FTA_STATE_BUSY)) {
      usable.push_back(fta.id());
    }
  }
  if (static_cast<int>(usable.size()) < count) {
    FTA_ASSIGN_OR_RETURN(std::vector<fta::v1::Fta> added,
                         fleet_->Allocate(count - static_cast<int>(usable.size()), options_.connect_timeout,
                                          KindOf(BackendWord(backend))));
    for (const fta::v1::Fta& fta : added) usable.push_back(fta.id());
  } else if (static_cast<int>(usable.size()) > count) {
    std::vector<std::string> extra(usable.begin() + count, usable.end());
    absl::StatusOr<std::vector<std::string>> released = fleet_->Release(extra, false);
    if (!released.ok()) return released.status();
    usable.resize(count);
  }
  return usable;
}

absl::Status SweepRunner::RecordFailure(const std::string& sweep_id, fta::v1::SweepRun* run,
                                        const absl::Status& status) {
  run->set_state(absl::IsCancelled(status) ? fta::v1::SWEEP_RUN_STATE_CANCELLED : fta::v1::SWEEP_RUN_STATE_FAILED);
  run->set_error(std::string(status.message()));
  run->set_finished_unix_ms(clock_->NowUnixMillis());
  *run->mutable_snapshot() = SnapshotForRun(options_.host, {}, fta::v1::ENGINE_UNSPECIFIED);
  absl::Status stored = store_->PutSweepRun(sweep_id, *run, {});
  if (!stored.ok()) spdlog::error("{}: storing run {}: {}", sweep_id, run->step(), std::string(stored.message()));
  return status;
}

absl::Status SweepRunner::RunStep(ActiveSweep* active, const SweepStep& step, int steps_done) {
  const std::string& sweep_id = active->sweep.id();
  fta::v1::SweepRun run = RunOf(step);
  std::vector<std::string> targets;
  if (step.target == fta::v1::SWEEP_TARGET_FTAS) {
    PublishProgress(active, step, steps_done, absl::StrCat("bringing FTAs to ", step.fta_count),
                    fta::v1::PHASE_UNSPECIFIED, 0, "");
    absl::StatusOr<std::vector<std::string>> ids = EnsureFtas(step.fta_count, active->sweep.spec().backend());
    if (!ids.ok()) return RecordFailure(sweep_id, &run, ids.status());
    targets = *ids;
  } else {
    targets = {kNativeFtaId};
  }
  if (std::optional<std::string> stop = StopRequested(active)) {
    return RecordFailure(sweep_id, &run, absl::CancelledError(*stop));
  }
  absl::StatusOr<fta::v1::Job> finished = RunJob(active, step, targets, steps_done, &run);
  if (!finished.ok()) return RecordFailure(sweep_id, &run, finished.status());
  return RecordRun(active, step, targets, *finished, &run);
}

absl::StatusOr<fta::v1::Job> SweepRunner::RunJob(ActiveSweep* active, const SweepStep& step,
                                                 const std::vector<std::string>& targets, int steps_done,
                                                 fta::v1::SweepRun* run) {
  FTA_ASSIGN_OR_RETURN(StartedJob started, jobs_->Start(RequestOf(active->sweep.spec(), step, targets)));
  const std::string job_id = started.job.id();
  run->set_job_id(job_id);
  bool stop;
  {
    std::lock_guard<std::mutex> lock(active->mu);
    active->current_job = job_id;
    stop = active->cancel_requested;  // asked before the job existed: cancel it here
  }
  spdlog::info("{} step {}/{}: {} as {} on {}", active->sweep.id(), step.step + 1, active->plan.size(),
               StepName(step), job_id, absl::StrJoin(targets, ","));
  PublishProgress(active, step, steps_done, "running", fta::v1::PHASE_UNSPECIFIED, 0, job_id);
  if (stop) (void)jobs_->Cancel(job_id);
  // The coordinator closes the queue with `finished`, after the FTAs are
  // idle again: the next step may only start once it closed.
  std::optional<fta::v1::Job> finished;
  while (std::optional<fta::v1::JobEvent> event = started.events->PopFor(absl::InfiniteDuration())) {
    if (event->has_progress()) {
      PublishProgress(active, step, steps_done, "running", event->progress().phase(), event->progress().current_mib(),
                      job_id);
    } else if (event->has_phase_finished()) {
      PublishProgress(active, step, steps_done, "running", event->phase_finished().phase(),
                      event->phase_finished().bandwidth_mib(), job_id);
    } else if (event->has_finished()) {
      finished = event->finished();
    }
  }
  {
    std::lock_guard<std::mutex> lock(active->mu);
    active->current_job.clear();
  }
  if (finished) return *finished;
  return store_->GetJob(job_id);
}

absl::Status SweepRunner::RecordRun(ActiveSweep* active, const SweepStep& step,
                                    const std::vector<std::string>& targets, const fta::v1::Job& finished,
                                    fta::v1::SweepRun* run) {
  const std::string& sweep_id = active->sweep.id();
  std::vector<fta::v1::Fta> ftas;
  for (const std::string& id : targets) {
    absl::StatusOr<fta::v1::Fta> fta = fleet_->Get(id);
    if (fta.ok()) ftas.push_back(*fta);
  }
  std::optional<sriov::Inventory> inventory;
  if (options_.read_vf_inventory) {
    absl::StatusOr<sriov::Inventory> read = options_.read_vf_inventory();
    if (read.ok()) {
      inventory = std::move(*read);
    } else {
      spdlog::warn("{}: run {}: VF inventory for the snapshot: {}", sweep_id, step.step,
                   std::string(read.status().message()));
    }
  }
  *run->mutable_snapshot() = SnapshotForRun(options_.host, ftas, finished.engine(), inventory ? &*inventory : nullptr);
  std::vector<fta::v1::SweepPoint> points;
  for (fta::v1::Phase phase : {fta::v1::PHASE_WRITE, fta::v1::PHASE_READ}) {
    const PhaseResult result = ResultOf(finished, phase);
    if (phase == fta::v1::PHASE_WRITE) run->set_write_mib(result.mib);
    if (phase == fta::v1::PHASE_READ) run->set_read_mib(result.mib);
    if (finished.state() != fta::v1::JOB_STATE_COMPLETED || result.bytes == 0) continue;
    fta::v1::SweepPoint point;
    point.set_step(step.step);
    point.set_transfer_size_bytes(run->transfer_size_bytes());
    point.set_fta_count(step.fta_count);
    point.set_target(step.target);
    point.set_repetition(step.repetition);
    point.set_phase(phase);
    point.set_bandwidth_mib(result.mib);
    point.set_job_id(finished.id());
    point.set_bytes(result.bytes);
    point.set_seconds(result.seconds);
    point.set_link_utilisation_pct(result.link_pct);
    points.push_back(point);
  }
  // Honest local numbers: a read served by the page cache says so in the run's note.
  if (std::string cached = CachedReadNote(finished); !cached.empty()) {
    run->set_note(run->note().empty() ? cached : absl::StrCat(run->note(), "; ", cached));
  }
  absl::Status outcome = absl::OkStatus();
  if (finished.state() == fta::v1::JOB_STATE_COMPLETED) {
    run->set_state(fta::v1::SWEEP_RUN_STATE_COMPLETED);
  } else if (finished.state() == fta::v1::JOB_STATE_CANCELLED) {
    run->set_state(fta::v1::SWEEP_RUN_STATE_CANCELLED);
    run->set_error(finished.error());
    outcome = absl::CancelledError(StopRequested(active).value_or(finished.error()));
  } else {
    run->set_state(fta::v1::SWEEP_RUN_STATE_FAILED);
    run->set_error(finished.error());
    outcome = absl::AbortedError(absl::StrCat(StepName(step), ": ", finished.id(), " ",
                                              fta::v1::JobState_Name(finished.state()), ": ", finished.error()));
  }
  run->set_finished_unix_ms(clock_->NowUnixMillis());
  FTA_RETURN_IF_ERROR(store_->PutSweepRun(sweep_id, *run, points));
  fta::v1::SweepEvent event;
  *event.mutable_run_finished() = *run;
  active->events.Publish(event);
  spdlog::info("{} step {}: {} write {:.1f} MiB/s, read {:.1f} MiB/s ({})", sweep_id, step.step + 1, StepName(step),
               run->write_mib(), run->read_mib(), fta::v1::SweepRunState_Name(run->state()));
  return outcome;
}

}  // namespace fta::hostd
