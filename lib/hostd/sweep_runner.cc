#include "lib/hostd/sweep_runner.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "lib/core/status_macros.h"
#include "lib/core/units.h"
#include "lib/report/summary.h"
#include "lib/hostd/sweep_snapshot.h"
#include "spdlog/spdlog.h"

namespace fta::hostd {
namespace {

using fta::v1::Sweep;
using fta::v1::SweepEvent;

// How often a running step looks at a cancel request while its job runs.
constexpr absl::Duration kPollInterval = absl::Milliseconds(500);

std::string StepName(const SweepStep& step) {
  return absl::StrCat("-t ", FormatSize(step.transfer_size), " ", report::TargetName(step.target), " N=",
                      step.fta_count, step.repetition > 0 ? absl::StrCat(" rep ", step.repetition + 1) : "");
}

// Mean MiB/s of `phase` over the job's iterations, with bytes and seconds
// of the last iteration; 0 when the phase was not measured.
void PhaseResult(const fta::v1::Job& job, fta::v1::Phase phase, double* mib, int64_t* bytes, double* seconds,
                 double* link_pct) {
  double sum = 0, link_sum = 0;
  int count = 0, metered = 0;
  for (const auto& aggregate : job.aggregates()) {
    if (aggregate.phase() != phase) continue;
    sum += aggregate.bandwidth_mib();
    *bytes = aggregate.bytes();
    *seconds = aggregate.total_seconds();
    ++count;
    // The busiest readable port of this iteration.
    double busiest = -1;
    for (const auto& link : aggregate.links()) {
      if (link.error().empty()) busiest = std::max(busiest, link.utilisation_pct());
    }
    if (busiest >= 0) {
      link_sum += busiest;
      ++metered;
    }
  }
  *mib = count > 0 ? sum / count : 0;
  *link_pct = metered > 0 ? link_sum / metered : -1;
}

}  // namespace

// ---------------------------------------------------------------------------
// SweepRunner

SweepRunner::SweepRunner(Options options, store::Store* store, FtaManager* ftas, JobCoordinator* jobs,
                         const Clock* clock)
    : options_(std::move(options)), store_(store), ftas_(ftas), jobs_(jobs), clock_(clock) {}

SweepRunner::~SweepRunner() { Shutdown("daemon shutting down"); }

absl::Status SweepRunner::CheckCapacity(const fta::v1::SweepSpec& spec) {
  const std::string& backend = spec.backend().empty() ? options_.backend : spec.backend();
  if (backend != options_.backend &&
      std::find(options_.backends.begin(), options_.backends.end(), backend) == options_.backends.end()) {
    return absl::FailedPreconditionError(absl::StrCat("--backend: this daemon runs the \"", options_.backend,
                                                      "\" backend", options_.backends.size() > 1 ? " (and others)" : "",
                                                      ", not \"", spec.backend(), "\""));
  }
  int largest = *std::max_element(spec.fta_counts().begin(), spec.fta_counts().end());
  if (largest > ftas_->max_ftas()) {
    return absl::ResourceExhaustedError(absl::StrCat("--vms: ", largest, " FTAs requested but this host runs at most ",
                                                     ftas_->max_ftas(), " (provisioner.max_ftas)"));
  }
  // KVM guests have their own view of the directory (their agents check it);
  // the host's must be usable for process FTAs and the native runs.
  if (backend != "libvirt" || spec.native()) return CheckDirectoryWritable("-d", spec.directory());
  return CheckDirectoryAbsolute("-d", spec.directory());
}

absl::StatusOr<SweepRunner::Started> SweepRunner::Start(const fta::v1::SweepSpec& spec) {
  FTA_ASSIGN_OR_RETURN(std::vector<SweepStep> plan, PlanSweep(spec));
  FTA_RETURN_IF_ERROR(CheckCapacity(spec));
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (active_) {
      return absl::FailedPreconditionError(absl::StrCat(active_->sweep.id(), " is running; one sweep at a time (",
                                                        "ftactl sweep cancel ", active_->sweep.id(), ")"));
    }
  }
  FTA_ASSIGN_OR_RETURN(std::string id, store_->NextSweepId());
  Sweep sweep;
  sweep.set_id(id);
  *sweep.mutable_spec() = spec;
  sweep.set_created_unix_ms(clock_->NowUnixMillis());
  sweep.set_steps_total(static_cast<int32_t>(plan.size()));
  return Launch(std::move(sweep), std::move(plan));
}

absl::StatusOr<SweepRunner::Started> SweepRunner::Resume(const std::string& id) {
  FTA_ASSIGN_OR_RETURN(Sweep stored, store_->GetSweep(id));
  if (stored.state() == fta::v1::SWEEP_STATE_COMPLETED) {
    return absl::FailedPreconditionError(absl::StrCat("id: ", id, " is already completed"));
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (active_) {
      return absl::FailedPreconditionError(absl::StrCat("id: ", active_->sweep.id(), " is running; ",
                                                        active_->sweep.id() == id ? "nothing to resume" : "one sweep at a time"));
    }
  }
  FTA_ASSIGN_OR_RETURN(std::vector<SweepStep> plan, PlanSweep(stored.spec()));
  FTA_RETURN_IF_ERROR(CheckCapacity(stored.spec()));
  Sweep sweep;
  sweep.set_id(stored.id());
  *sweep.mutable_spec() = stored.spec();
  sweep.set_created_unix_ms(stored.created_unix_ms());
  sweep.set_steps_total(static_cast<int32_t>(plan.size()));
  spdlog::info("{} resumed: {} of {} runs already done", id, stored.steps_done(), plan.size());
  return Launch(std::move(sweep), std::move(plan));
}

absl::StatusOr<SweepRunner::Started> SweepRunner::Launch(Sweep sweep, std::vector<SweepStep> plan) {
  sweep.set_state(fta::v1::SWEEP_STATE_RUNNING);
  sweep.set_error("");
  sweep.set_finished_unix_ms(0);
  auto active = std::make_unique<ActiveSweep>();
  active->plan = std::move(plan);
  Started started;
  started.events = std::make_shared<SweepEventQueue>();
  std::lock_guard<std::mutex> lock(mu_);
  if (shutting_down_) return absl::UnavailableError("daemon is shutting down");
  if (active_) return absl::FailedPreconditionError(absl::StrCat(active_->sweep.id(), " is running; one sweep at a time"));
  FTA_RETURN_IF_ERROR(store_->PutSweep(sweep));
  FTA_ASSIGN_OR_RETURN(Sweep stored, store_->GetSweep(sweep.id()));
  *stored.mutable_summary() = report::SummarizeSweep(stored);
  started.sweep = stored;
  SweepEvent first;
  *first.mutable_started() = stored;
  started.events->Push(first);
  active->sweep = sweep;
  active->subscribers.push_back(started.events);
  for (std::thread& thread : finished_threads_) thread.join();
  finished_threads_.clear();
  ActiveSweep* raw = active.get();
  active_ = std::move(active);
  raw->thread = std::thread([this, raw] { Run(raw); });
  spdlog::info("{} started: {} runs, FTA counts {}, -t {}, -b {}{}", sweep.id(), raw->plan.size(),
               absl::StrJoin(sweep.spec().fta_counts(), ","), absl::StrJoin(sweep.spec().transfer_sizes(), ","),
               sweep.spec().block_size(), sweep.spec().native() ? ", native baseline" : "");
  return started;
}

absl::StatusOr<std::shared_ptr<SweepEventQueue>> SweepRunner::Watch(const std::string& id) {
  auto queue = std::make_shared<SweepEventQueue>();
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (active_ && active_->sweep.id() == id) {
      std::lock_guard<std::mutex> subscribers(active_->mu);
      SweepEvent started;
      *started.mutable_started() = active_->sweep;
      queue->Push(started);
      active_->subscribers.push_back(queue);
      return queue;
    }
  }
  FTA_ASSIGN_OR_RETURN(Sweep sweep, Get(id));
  SweepEvent finished;
  *finished.mutable_finished() = sweep;
  queue->Push(finished);
  queue->Close();
  return queue;
}

void SweepRunner::StopActive(const std::string& reason, bool interrupt) {
  if (!active_) return;
  {
    std::lock_guard<std::mutex> lock(active_->mu);
    if (!active_->cancel_requested) active_->stop_reason = reason;
  }
  if (interrupt) active_->interrupted = true;
  // The sweep thread polls this while its job runs and cancels the job.
  active_->cancel_requested = true;
}

void SweepRunner::WaitUntilNotRunning(const std::string& id) {
  std::unique_lock<std::mutex> lock(mu_);
  finished_cv_.wait(lock, [&] { return !active_ || active_->sweep.id() != id; });
}

absl::StatusOr<Sweep> SweepRunner::Cancel(const std::string& id) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!active_ || active_->sweep.id() != id) {
      FTA_ASSIGN_OR_RETURN(Sweep stored, store_->GetSweep(id));
      return absl::FailedPreconditionError(
          absl::StrCat("id: ", id, " is not running (", fta::v1::SweepState_Name(stored.state()), ")"));
    }
    StopActive("cancelled by operator", /*interrupt=*/false);
  }
  WaitUntilNotRunning(id);
  return Get(id);
}

void SweepRunner::Shutdown(const std::string& reason) {
  std::string id;
  {
    std::lock_guard<std::mutex> lock(mu_);
    shutting_down_ = true;
    if (active_) {
      id = active_->sweep.id();
      StopActive(reason, /*interrupt=*/true);
    }
  }
  if (!id.empty()) WaitUntilNotRunning(id);
  std::vector<std::thread> threads;
  {
    std::lock_guard<std::mutex> lock(mu_);
    threads.swap(finished_threads_);
  }
  for (std::thread& thread : threads) thread.join();
}

absl::StatusOr<Sweep> SweepRunner::Get(const std::string& id) {
  FTA_ASSIGN_OR_RETURN(Sweep sweep, store_->GetSweep(id));
  *sweep.mutable_summary() = report::SummarizeSweep(sweep);
  return sweep;
}

absl::StatusOr<std::vector<Sweep>> SweepRunner::List(int limit) {
  FTA_ASSIGN_OR_RETURN(std::vector<Sweep> sweeps, store_->ListSweeps(limit));
  for (Sweep& sweep : sweeps) {
    *sweep.mutable_summary() = report::SummarizeSweep(sweep);
    sweep.clear_runs();
  }
  return sweeps;
}

void SweepRunner::Publish(ActiveSweep* active, const SweepEvent& event) {
  std::lock_guard<std::mutex> lock(active->mu);
  for (auto& subscriber : active->subscribers) subscriber->Push(event);
}

absl::StatusOr<std::vector<std::string>> SweepRunner::EnsureFtas(int count, const std::string& requested) {
  const std::string& backend = requested.empty() ? options_.backend : requested;
  FTA_ASSIGN_OR_RETURN(std::vector<fta::v1::Fta> listed, ftas_->List(/*include_released=*/false));
  std::vector<std::string> starting, broken;
  for (const fta::v1::Fta& fta : listed) {
    if (fta.kind() != fta::v1::FTA_KIND_GUEST) continue;
    if (fta.state() == fta::v1::FTA_STATE_STARTING) starting.push_back(fta.id());
    if (fta.state() == fta::v1::FTA_STATE_FAILED || fta.state() == fta::v1::FTA_STATE_LOST) broken.push_back(fta.id());
  }
  // FTAs adopted after a daemon restart reconnect on their own; give them
  // the connect timeout, and replace the ones that do not make it.
  if (!starting.empty()) {
    absl::StatusOr<std::vector<fta::v1::Fta>> ready = ftas_->WaitReady(starting, options_.connect_timeout);
    if (!ready.ok()) {
      spdlog::warn("sweep: adopted FTAs not ready: {}", std::string(ready.status().message()));
      broken.insert(broken.end(), starting.begin(), starting.end());
    }
  }
  for (const std::string& id : broken) {
    absl::StatusOr<std::vector<std::string>> released = ftas_->Release({id}, false);
    if (!released.ok()) spdlog::warn("sweep: releasing {}: {}", id, std::string(released.status().message()));
  }
  FTA_ASSIGN_OR_RETURN(listed, ftas_->List(false));
  std::vector<std::string> usable;  // List sorts by id number
  for (const fta::v1::Fta& fta : listed) {
    if (fta.kind() == fta::v1::FTA_KIND_GUEST && fta.backend() == backend &&
        (fta.state() == fta::v1::FTA_STATE_READY || fta.state() == fta::v1::FTA_STATE_BUSY)) {
      usable.push_back(fta.id());
    }
  }
  if (static_cast<int>(usable.size()) < count) {
    FTA_ASSIGN_OR_RETURN(std::vector<fta::v1::Fta> added,
                         ftas_->Allocate(count - static_cast<int>(usable.size()), options_.connect_timeout, backend));
    for (const fta::v1::Fta& fta : added) usable.push_back(fta.id());
  } else if (static_cast<int>(usable.size()) > count) {
    std::vector<std::string> extra(usable.begin() + count, usable.end());
    absl::StatusOr<std::vector<std::string>> released = ftas_->Release(extra, false);
    if (!released.ok()) return released.status();
    usable.resize(count);
  }
  return usable;
}

absl::Status SweepRunner::RunStep(ActiveSweep* active, const SweepStep& step, int steps_done) {
  const std::string& sweep_id = active->sweep.id();
  auto progress = [&](const std::string& activity, fta::v1::Phase phase, double mib, const std::string& job) {
    SweepEvent event;
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
    Publish(active, event);
  };

  fta::v1::SweepRun run;
  run.set_step(step.step);
  run.set_transfer_size_bytes(static_cast<int64_t>(step.transfer_size));
  run.set_block_size_bytes(static_cast<int64_t>(step.block_size));
  run.set_fta_count(step.fta_count);
  run.set_target(step.target);
  run.set_ranks(step.target == fta::v1::SWEEP_TARGET_FTAS ? step.fta_count : step.ranks);
  run.set_repetition(step.repetition);
  run.set_note(step.note);
  auto store_failure = [&](const absl::Status& status) -> absl::Status {
    run.set_state(absl::IsCancelled(status) ? "cancelled" : "failed");
    run.set_error(std::string(status.message()));
    run.set_finished_unix_ms(clock_->NowUnixMillis());
    *run.mutable_snapshot() = SnapshotForRun(options_.host, {}, "");
    absl::Status stored = store_->PutSweepRun(sweep_id, run, {});
    if (!stored.ok()) spdlog::error("{}: storing run {}: {}", sweep_id, step.step, std::string(stored.message()));
    return status;
  };

  std::vector<std::string> targets;
  if (step.target == fta::v1::SWEEP_TARGET_FTAS) {
    progress(absl::StrCat("bringing FTAs to ", step.fta_count), fta::v1::PHASE_UNSPECIFIED, 0, "");
    absl::StatusOr<std::vector<std::string>> ids = EnsureFtas(step.fta_count, active->sweep.spec().backend());
    if (!ids.ok()) return store_failure(ids.status());
    targets = *ids;
  } else {
    targets = {kNativeFtaId};
  }
  if (active->cancel_requested) return store_failure(absl::CancelledError(active->stop_reason));

  fta::v1::RunIorRequest request;
  for (const std::string& id : targets) request.add_on(id);
  fta::v1::IorSpec& spec = *request.mutable_spec();
  spec.set_transfer_size(FormatSize(step.transfer_size));
  spec.set_block_size(FormatSize(step.block_size));
  spec.set_write(true);
  spec.set_read(true);
  spec.set_fsync(active->sweep.spec().fsync());
  spec.set_directory(active->sweep.spec().directory());
  spec.set_ranks_per_fta(step.target == fta::v1::SWEEP_TARGET_NATIVE_MATCHED ? step.ranks : 1);
  request.set_ready_timeout_s(active->sweep.spec().ready_timeout_s());

  absl::StatusOr<JobCoordinator::Started> started = jobs_->Start(request);
  if (!started.ok()) return store_failure(started.status());
  const std::string job_id = started->job.id();
  run.set_job_id(job_id);
  {
    std::lock_guard<std::mutex> lock(active->mu);
    active->current_job = job_id;
  }
  spdlog::info("{} step {}/{}: {} as {} on {}", sweep_id, step.step + 1, active->plan.size(), StepName(step), job_id,
               absl::StrJoin(targets, ","));
  progress("running", fta::v1::PHASE_UNSPECIFIED, 0, job_id);

  std::optional<fta::v1::Job> finished;
  bool cancel_sent = false;
  while (!finished) {
    if (active->cancel_requested && !cancel_sent) {
      cancel_sent = true;
      (void)jobs_->Cancel(job_id);
    }
    std::optional<fta::v1::JobEvent> event = started->events->Pop(absl::Now() + kPollInterval);
    if (!event) {
      if (started->events->closed_and_empty()) break;
      continue;
    }
    if (event->has_progress()) {
      progress("running", event->progress().phase(), event->progress().current_mib(), job_id);
    } else if (event->has_phase_finished()) {
      progress("running", event->phase_finished().phase(), event->phase_finished().bandwidth_mib(), job_id);
    } else if (event->has_finished()) {
      finished = event->finished();
    }
  }
  // The coordinator publishes `finished` before it marks the FTAs idle and
  // closes the queue after: the next step may only start once it closed.
  while (finished && !started->events->closed_and_empty()) {
    (void)started->events->Pop(absl::Now() + kPollInterval);
  }
  {
    std::lock_guard<std::mutex> lock(active->mu);
    active->current_job.clear();
  }
  if (!finished) {
    absl::StatusOr<fta::v1::Job> stored = store_->GetJob(job_id);
    if (!stored.ok()) return store_failure(stored.status());
    finished = *stored;
  }

  std::vector<fta::v1::Fta> ftas;
  for (const std::string& id : targets) {
    absl::StatusOr<fta::v1::Fta> fta = ftas_->Get(id);
    if (fta.ok()) ftas.push_back(*fta);
  }
  std::optional<sriov::Inventory> inventory;
  if (options_.read_vf_inventory) {
    absl::StatusOr<sriov::Inventory> read = options_.read_vf_inventory();
    if (read.ok()) {
      inventory = std::move(*read);
    } else {
      spdlog::warn("{}: run {}: VF inventory for the snapshot: {}", sweep_id, step.step, std::string(read.status().message()));
    }
  }
  *run.mutable_snapshot() = SnapshotForRun(options_.host, ftas, finished->engine(), inventory ? &*inventory : nullptr);
  std::vector<fta::v1::SweepPoint> points;
  for (fta::v1::Phase phase : {fta::v1::PHASE_WRITE, fta::v1::PHASE_READ}) {
    double mib = 0, seconds = 0, link_pct = -1;
    int64_t bytes = 0;
    PhaseResult(*finished, phase, &mib, &bytes, &seconds, &link_pct);
    if (phase == fta::v1::PHASE_WRITE) run.set_write_mib(mib);
    if (phase == fta::v1::PHASE_READ) run.set_read_mib(mib);
    if (finished->state() != fta::v1::JOB_STATE_COMPLETED || bytes == 0) continue;
    fta::v1::SweepPoint point;
    point.set_step(step.step);
    point.set_transfer_size_bytes(run.transfer_size_bytes());
    point.set_fta_count(step.fta_count);
    point.set_target(step.target);
    point.set_repetition(step.repetition);
    point.set_phase(phase);
    point.set_bandwidth_mib(mib);
    point.set_job_id(job_id);
    point.set_bytes(bytes);
    point.set_seconds(seconds);
    point.set_link_utilisation_pct(link_pct);
    points.push_back(point);
  }
  absl::Status outcome = absl::OkStatus();
  if (finished->state() == fta::v1::JOB_STATE_COMPLETED) {
    run.set_state("completed");
  } else if (finished->state() == fta::v1::JOB_STATE_CANCELLED) {
    run.set_state("cancelled");
    run.set_error(finished->error());
    outcome = absl::CancelledError(active->cancel_requested ? active->stop_reason : finished->error());
  } else {
    run.set_state("failed");
    run.set_error(finished->error());
    outcome = absl::AbortedError(absl::StrCat(StepName(step), ": ", job_id, " ",
                                              fta::v1::JobState_Name(finished->state()), ": ", finished->error()));
  }
  run.set_finished_unix_ms(clock_->NowUnixMillis());
  FTA_RETURN_IF_ERROR(store_->PutSweepRun(sweep_id, run, points));
  SweepEvent event;
  *event.mutable_run_finished() = run;
  Publish(active, event);
  spdlog::info("{} step {}: {} write {:.1f} MiB/s, read {:.1f} MiB/s ({})", sweep_id, step.step + 1, StepName(step),
               run.write_mib(), run.read_mib(), run.state());
  return outcome;
}

void SweepRunner::Run(ActiveSweep* active) {
  Sweep& sweep = active->sweep;
  absl::Status outcome = [&]() -> absl::Status {
    FTA_ASSIGN_OR_RETURN(Sweep stored, store_->GetSweep(sweep.id()));
    std::set<int> done;
    for (const auto& run : stored.runs()) {
      if (run.state() == "completed") done.insert(run.step());
    }
    for (const SweepStep& step : active->plan) {
      if (done.count(step.step) > 0) continue;
      if (active->cancel_requested) return absl::CancelledError(active->stop_reason);
      FTA_RETURN_IF_ERROR(RunStep(active, step, static_cast<int>(done.size())));
      done.insert(step.step);
    }
    return absl::OkStatus();
  }();

  if (outcome.ok()) {
    sweep.set_state(fta::v1::SWEEP_STATE_COMPLETED);
  } else if (active->interrupted) {
    sweep.set_state(fta::v1::SWEEP_STATE_INTERRUPTED);
    sweep.set_error(absl::StrCat(active->stop_reason, "; resume with: ftactl sweep resume ", sweep.id()));
  } else if (active->cancel_requested) {
    sweep.set_state(fta::v1::SWEEP_STATE_CANCELLED);
    sweep.set_error(active->stop_reason);
  } else {
    sweep.set_state(fta::v1::SWEEP_STATE_FAILED);
    sweep.set_error(std::string(outcome.message()));
  }
  sweep.set_finished_unix_ms(clock_->NowUnixMillis());
  absl::Status stored = store_->PutSweep(sweep);
  if (!stored.ok()) spdlog::error("{}: storing the outcome failed: {}", sweep.id(), std::string(stored.message()));
  if (outcome.ok()) {
    spdlog::info("{} completed", sweep.id());
  } else {
    spdlog::warn("{} {}: {}", sweep.id(), fta::v1::SweepState_Name(sweep.state()), sweep.error());
  }
  SweepEvent event;
  absl::StatusOr<Sweep> full = Get(sweep.id());
  *event.mutable_finished() = full.ok() ? *full : sweep;
  Publish(active, event);
  {
    std::lock_guard<std::mutex> subscribers(active->mu);
    for (auto& subscriber : active->subscribers) subscriber->Close();
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    finished_threads_.push_back(std::move(active->thread));
    active_.reset();  // `active` is gone after this line
  }
  finished_cv_.notify_all();
}

}  // namespace fta::hostd
