#include "lib/sweeps/sweep_runner.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "lib/core/status_macros.h"
#include "lib/fleet/fta_kinds.h"
#include "lib/ior/ior_spec.h"
#include "lib/report/summary.h"
#include "spdlog/spdlog.h"

namespace fta::hostd {

using fta::v1::Sweep;
using fta::v1::SweepEvent;

SweepRunner::SweepRunner(Options options, store::Store* store, SweepFleet* fleet, JobLauncher* jobs,
                         const Clock* clock)
    : options_(std::move(options)), store_(store), fleet_(fleet), jobs_(jobs), clock_(clock) {}

SweepRunner::~SweepRunner() { Shutdown("daemon shutting down"); }

absl::Status SweepRunner::RecoverAfterRestart() {
  FTA_ASSIGN_OR_RETURN(std::vector<std::string> interrupted,
                       store_->InterruptRunningSweeps("interrupted: the daemon stopped during the sweep"));
  for (const std::string& id : interrupted) {
    spdlog::warn("{} was running when the daemon stopped: marked INTERRUPTED (ftactl sweep resume {})", id, id);
    absl::StatusOr<Sweep> sweep = store_->GetSweep(id);
    if (!sweep.ok()) continue;
    sweep->set_error(absl::StrCat(sweep->error(), "; resume with: ftactl sweep resume ", id));
    FTA_RETURN_IF_ERROR(store_->PutSweep(*sweep));
  }
  return absl::OkStatus();
}

absl::Status SweepRunner::CheckCapacity(const fta::v1::SweepSpec& spec) {
  const fta::v1::Backend wanted =
      spec.backend() == fta::v1::BACKEND_UNSPECIFIED ? BackendOf(options_.backend) : spec.backend();
  const std::string backend = BackendWord(wanted);
  if (wanted != BackendOf(options_.backend) &&
      std::find(options_.backends.begin(), options_.backends.end(), backend) == options_.backends.end()) {
    return absl::FailedPreconditionError(absl::StrCat("backend (--backend/--kind): this daemon runs the \"",
                                                      options_.backend, "\" backend",
                                                      options_.backends.size() > 1 ? " (and others)" : "", ", not ",
                                                      fta::v1::Backend_Name(spec.backend())));
  }
  int largest = *std::max_element(spec.fta_counts().begin(), spec.fta_counts().end());
  if (largest > fleet_->max_ftas()) {
    return absl::ResourceExhaustedError(absl::StrCat("--vms: ", largest, " FTAs requested but this host runs at most ",
                                                     fleet_->max_ftas(), " (provisioner.max_ftas)"));
  }
  // KVM guests have their own view of the directory (their agents check it);
  // the host's must be usable for process FTAs and the native runs.
  if (backend != "libvirt" || spec.native()) return ior::CheckDirectoryWritable("-d", spec.directory());
  return ior::CheckDirectoryAbsolute("-d", spec.directory());
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
  auto active = std::make_unique<ActiveSweep>(clock_);
  active->plan = std::move(plan);
  std::lock_guard<std::mutex> lock(mu_);
  if (shutting_down_) return absl::UnavailableError("daemon is shutting down");
  if (active_) return absl::FailedPreconditionError(absl::StrCat(active_->sweep.id(), " is running; one sweep at a time"));
  FTA_RETURN_IF_ERROR(store_->PutSweep(sweep));
  FTA_ASSIGN_OR_RETURN(Sweep stored, store_->GetSweep(sweep.id()));
  *stored.mutable_summary() = report::SummarizeSweep(stored);
  Started started;
  started.sweep = stored;
  SweepEvent first;
  *first.mutable_started() = stored;
  started.events = active->events.Subscribe(first);
  active->sweep = sweep;
  finished_threads_.JoinAll();
  ActiveSweep* raw = active.get();
  active_ = std::move(active);
  raw->thread = std::thread([this, raw] { Run(raw); });
  spdlog::info("{} started: {} runs, FTA counts {}, -t {}, -b {}{}", sweep.id(), raw->plan.size(),
               absl::StrJoin(sweep.spec().fta_counts(), ","), absl::StrJoin(sweep.spec().transfer_sizes(), ","),
               sweep.spec().block_size(), sweep.spec().native() ? ", native baseline" : "");
  return started;
}

absl::StatusOr<std::shared_ptr<SweepEventQueue>> SweepRunner::Watch(const std::string& id) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (active_ && active_->sweep.id() == id) {
      SweepEvent started;
      *started.mutable_started() = active_->sweep;
      return active_->events.Subscribe(started);
    }
  }
  FTA_ASSIGN_OR_RETURN(Sweep sweep, Get(id));
  SweepEvent finished;
  *finished.mutable_finished() = sweep;
  return core::Broadcast<SweepEvent>::Replay(clock_, finished);
}

std::string SweepRunner::StopActive(const std::string& reason, bool interrupt) {
  if (!active_) return "";
  if (interrupt) active_->interrupted = true;
  std::lock_guard<std::mutex> lock(active_->mu);
  if (!active_->cancel_requested) active_->stop_reason = reason;
  active_->cancel_requested = true;
  // A job started after this sees the request itself (RunJob).
  return active_->current_job;
}

std::optional<std::string> SweepRunner::StopRequested(ActiveSweep* active) {
  std::lock_guard<std::mutex> lock(active->mu);
  if (!active->cancel_requested) return std::nullopt;
  return active->stop_reason;
}

void SweepRunner::StopAndWait(const std::string& id, const std::string& job_to_cancel) {
  if (!job_to_cancel.empty()) (void)jobs_->Cancel(job_to_cancel);
  std::unique_lock<std::mutex> lock(mu_);
  finished_cv_.wait(lock, [&] { return !active_ || active_->sweep.id() != id; });
}

absl::StatusOr<Sweep> SweepRunner::Cancel(const std::string& id) {
  std::string job;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!active_ || active_->sweep.id() != id) {
      FTA_ASSIGN_OR_RETURN(Sweep stored, store_->GetSweep(id));
      return absl::FailedPreconditionError(
          absl::StrCat("id: ", id, " is not running (", fta::v1::SweepState_Name(stored.state()), ")"));
    }
    job = StopActive("cancelled by operator", /*interrupt=*/false);
  }
  StopAndWait(id, job);
  return Get(id);
}

void SweepRunner::Shutdown(const std::string& reason) {
  std::string id;
  std::string job;
  {
    std::lock_guard<std::mutex> lock(mu_);
    shutting_down_ = true;
    if (active_) {
      id = active_->sweep.id();
      job = StopActive(reason, /*interrupt=*/true);
    }
  }
  if (!id.empty()) StopAndWait(id, job);
  finished_threads_.JoinAll();
}

absl::StatusOr<Sweep> SweepRunner::Get(const std::string& id) {
  FTA_ASSIGN_OR_RETURN(Sweep sweep, store_->GetSweep(id));
  *sweep.mutable_summary() = report::SummarizeSweep(sweep);
  return sweep;
}

absl::StatusOr<Page<Sweep>> SweepRunner::List(const PageQuery& query) {
  FTA_ASSIGN_OR_RETURN(Page<Sweep> page, store_->ListSweeps(query));
  for (Sweep& sweep : page.items) {
    *sweep.mutable_summary() = report::SummarizeSweep(sweep);
    sweep.clear_runs();
  }
  return page;
}

void SweepRunner::Run(ActiveSweep* active) {
  Sweep& sweep = active->sweep;
  absl::Status outcome = [&]() -> absl::Status {
    FTA_ASSIGN_OR_RETURN(Sweep stored, store_->GetSweep(sweep.id()));
    std::set<int> done;
    for (const auto& run : stored.runs()) {
      if (run.state() == fta::v1::SWEEP_RUN_STATE_COMPLETED) done.insert(run.step());
    }
    for (const SweepStep& step : active->plan) {
      if (done.count(step.step) > 0) continue;
      if (std::optional<std::string> stop = StopRequested(active)) return absl::CancelledError(*stop);
      FTA_RETURN_IF_ERROR(RunStep(active, step, static_cast<int>(done.size())));
      done.insert(step.step);
    }
    return absl::OkStatus();
  }();

  std::optional<std::string> stop = StopRequested(active);
  if (outcome.ok()) {
    sweep.set_state(fta::v1::SWEEP_STATE_COMPLETED);
  } else if (active->interrupted) {
    sweep.set_state(fta::v1::SWEEP_STATE_INTERRUPTED);
    sweep.set_error(absl::StrCat(stop.value_or(""), "; resume with: ftactl sweep resume ", sweep.id()));
  } else if (stop) {
    sweep.set_state(fta::v1::SWEEP_STATE_CANCELLED);
    sweep.set_error(*stop);
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
  active->events.Finish(event);
  {
    std::lock_guard<std::mutex> lock(mu_);
    finished_threads_.Retire(std::move(active->thread));
    active_.reset();  // `active` is gone after this line
  }
  finished_cv_.notify_all();
}

}  // namespace fta::hostd
