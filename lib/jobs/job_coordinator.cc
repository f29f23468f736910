#include "lib/jobs/job_coordinator.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "lib/core/status_macros.h"
#include "lib/core/units.h"
#include "lib/fleet/owner.h"
#include "lib/jobs/buffer_memory.h"
#include "lib/jobs/engine_choice.h"
#include "lib/jobs/job_results.h"
#include "lib/jobs/start_at.h"
#include "lib/ior/ior_spec.h"
#include "lib/ior/resolved_params.h"
#include "spdlog/spdlog.h"

namespace fta::hostd {

using fta::agent::v1::AgentMessage;
using fta::agent::v1::HostMessage;
using fta::v1::JobEvent;
using fta::v1::Phase;

JobCoordinator::JobCoordinator(Options options, store::Store* store, JobFleet* fleet, AgentLinks* links,
                               const Clock* clock)
    : options_(options), store_(store), fleet_(fleet), links_(links), clock_(clock) {}

JobCoordinator::~JobCoordinator() { Shutdown("daemon shutting down"); }

absl::Status JobCoordinator::RecoverAfterRestart() {
  FTA_ASSIGN_OR_RETURN(std::vector<std::string> interrupted,
                       store_->FailUnfinishedJobs("interrupted: the daemon stopped while the job ran"));
  for (const std::string& id : interrupted) spdlog::warn("{} was running when the daemon stopped: marked FAILED", id);
  if (options_.file_keeper != nullptr) FTA_RETURN_IF_ERROR(options_.file_keeper->RemoveLeftovers().status());
  return absl::OkStatus();
}

int JobCoordinator::RunningCount() {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int>(running_.size());
}

absl::StatusOr<std::vector<std::string>> JobCoordinator::ResolveTargets(
    const fta::v1::RunIorRequest& request, absl::Time deadline) {
  std::vector<std::string> on(request.on().begin(), request.on().end());
  if (on.empty()) {
    return absl::InvalidArgumentError("on: name the FTAs to run on: all, native, or FTA ids");
  }
  // owner:NAME alone: the ready FTAs a scheduler allocated for its job.
  if (on.size() == 1 && on[0].rfind(kOwnerTargetPrefix, 0) == 0) {
    return fleet_->ReadyIdsOf(OwnerOfTarget(on[0]), request.max_ftas());
  }
  if (request.max_ftas() != 0) return absl::InvalidArgumentError("max_ftas: only with on = owner:NAME");
  bool has_all = std::count(on.begin(), on.end(), "all") > 0;
  bool has_native = std::count(on.begin(), on.end(), kNativeFtaId) > 0;
  if ((has_all || has_native) && on.size() > 1) {
    return absl::InvalidArgumentError("on: \"all\" and \"native\" cannot be combined with other targets");
  }
  if (has_native) {
    FTA_RETURN_IF_ERROR(fleet_->EnsureNative(deadline));
    return std::vector<std::string>{kNativeFtaId};
  }
  if (has_all) {
    std::vector<std::string> ready = fleet_->ReadyGuestIds();
    if (ready.empty()) {
      return absl::FailedPreconditionError(
          "on: no FTA is ready (allocate some first: ftactl fta allocate -n N)");
    }
    return ready;
  }
  std::set<std::string> seen;
  for (const std::string& id : on) {
    if (!seen.insert(id).second) return absl::InvalidArgumentError(absl::StrCat("on: ", id, " is listed twice"));
    absl::StatusOr<fta::v1::Fta> fta = fleet_->Get(id);
    if (!fta.ok() || fta->state() == fta::v1::FTA_STATE_RELEASED) {
      return absl::InvalidArgumentError(absl::StrCat("on: unknown FTA ", id));
    }
    if (fta->state() != fta::v1::FTA_STATE_READY && fta->state() != fta::v1::FTA_STATE_BUSY) {
      return absl::FailedPreconditionError(absl::StrCat(
          "on: ", id, " is not ready (", fta::v1::FtaState_Name(fta->state()),
          fta->last_error().empty() ? "" : ": " + fta->last_error(), ")"));
    }
  }
  return on;
}

absl::StatusOr<std::unique_ptr<JobCoordinator::RunningJob>> JobCoordinator::Plan(
    const fta::v1::RunIorRequest& request) {
  FTA_ASSIGN_OR_RETURN(ior::IorParams params, ior::ResolveSpec(request.spec()));
  bool runs_on_host = options_.guests_share_host_filesystem ||
                      std::count(request.on().begin(), request.on().end(), kNativeFtaId) > 0;
  FTA_RETURN_IF_ERROR(runs_on_host ? ior::CheckDirectoryWritable("directory (-d)", params.directory)
                                   : ior::CheckDirectoryAbsolute("directory (-d)", params.directory));
  if (request.ready_timeout_s() < 0) {
    return absl::InvalidArgumentError(absl::StrCat("ready_timeout_s: must not be negative, got ",
                                                   request.ready_timeout_s()));
  }
  if (request.job_deadline_s() < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("job_deadline_s: must not be negative, got ", request.job_deadline_s()));
  }
  absl::Duration ready_timeout =
      request.ready_timeout_s() > 0 ? absl::Seconds(request.ready_timeout_s()) : options_.ready_timeout;
  absl::Duration deadline =
      request.job_deadline_s() > 0 ? absl::Seconds(request.job_deadline_s()) : options_.deadline;
  FTA_RETURN_IF_ERROR(ValidateStartAt(request.start_at_unix_ms(), clock_->NowUnixMillis(), params));
  FTA_ASSIGN_OR_RETURN(std::vector<std::string> targets,
                       ResolveTargets(request, clock_->Now() + options_.native_start_timeout));

  auto job = std::make_unique<RunningJob>(clock_);
  job->params = params;
  int ranks_per_fta = request.spec().ranks_per_fta() > 0 ? static_cast<int>(request.spec().ranks_per_fta()) : 1;
  std::vector<fta::v1::Fta> target_ftas;
  for (const std::string& id : targets) {
    AgentPlan plan;
    plan.fta_id = id;
    for (int r = 0; r < ranks_per_fta; ++r) plan.ranks.push_back(job->total_ranks++);
    job->agents.push_back(plan);
    FTA_ASSIGN_OR_RETURN(fta::v1::Fta fta, fleet_->Get(id));
    target_ftas.push_back(std::move(fta));
  }
  FTA_RETURN_IF_ERROR(CheckTransferBuffers(params, ranks_per_fta, target_ftas, options_.memory_bytes_of_kind));
  FTA_ASSIGN_OR_RETURN(EngineChoice engine, ChooseEngine(request.spec(), params, target_ftas, MpiProblem()));
  if (engine.engine == fta::v1::ENGINE_IOR && request.start_at_unix_ms() != 0) {
    return absl::InvalidArgumentError("start_at: not with engine ior (mpirun starts every rank itself)");
  }
  job->files_on_host = runs_on_host;

  fta::v1::Job& record = job->job;
  record.set_state(fta::v1::JOB_STATE_RUNNING);
  *record.mutable_spec() = request.spec();
  record.set_created_unix_ms(clock_->NowUnixMillis());
  record.set_transfer_size_bytes(static_cast<int64_t>(params.transfer_size));
  record.set_block_size_bytes(static_cast<int64_t>(params.block_size));
  // The parts carry the engine decided here, not the request's "" (auto).
  record.mutable_spec()->set_engine(engine.engine);
  record.set_engine(engine.engine);
  record.set_ior_version(engine.ior_version);
  record.set_timestamp_source(engine.timestamp_source);
  record.set_owner(request.on_size() == 1 ? OwnerOfTarget(request.on(0)) : "");
  record.set_start_at_unix_ms(request.start_at_unix_ms());
  for (const AgentPlan& plan : job->agents) {
    fta::v1::JobAgent* agent = record.add_agents();
    agent->set_fta_id(plan.fta_id);
    for (int rank : plan.ranks) agent->add_ranks(rank);
    agent->set_state(fta::v1::JOB_AGENT_STATE_RUNNING);
  }
  job->signature = clock_->NowUnixNanos() / 1'000'000'000;
  job->ready_deadline = clock_->Now() + ready_timeout;
  if (request.start_at_unix_ms() != 0) {  // READY after the start time would start late: fail instead
    job->ready_deadline = std::min(job->ready_deadline, absl::FromUnixMillis(request.start_at_unix_ms()));
  }
  job->deadline = clock_->Now() + deadline;
  return job;
}

absl::StatusOr<JobCoordinator::Started> JobCoordinator::Start(const fta::v1::RunIorRequest& request) {
  FTA_ASSIGN_OR_RETURN(std::unique_ptr<RunningJob> job, Plan(request));
  const std::vector<std::string> targets = AgentIds(*job);
  FTA_ASSIGN_OR_RETURN(std::string job_id, store_->NextJobId());
  job->job.set_id(job_id);
  FTA_RETURN_IF_ERROR(fleet_->MarkBusy(targets, job_id));
  absl::Status stored = store_->PutJob(job->job);
  if (stored.ok() && options_.file_keeper != nullptr && job->files_on_host) {
    stored = options_.file_keeper->Expect(job_id, job->params, job->total_ranks);
  }
  if (!stored.ok()) {
    fleet_->MarkIdle(targets);
    return stored;
  }
  return Launch(std::move(job), targets);
}

absl::StatusOr<JobCoordinator::Started> JobCoordinator::Launch(std::unique_ptr<RunningJob> job,
                                                               const std::vector<std::string>& targets) {
  const std::string job_id = job->job.id();
  job->inbox = links_->OpenInbox(job_id, std::set<std::string>(targets.begin(), targets.end()));
  Started started;
  started.job = job->job;
  JobEvent first;
  *first.mutable_started() = job->job;
  started.events = job->events.Subscribe(first);

  std::lock_guard<std::mutex> lock(mu_);
  if (shutting_down_) {
    fleet_->MarkIdle(targets);
    links_->CloseInbox(job_id);
    return absl::UnavailableError("daemon is shutting down");
  }
  finished_threads_.JoinAll();
  RunningJob* raw = job.get();
  running_[job_id] = std::move(job);
  raw->thread = std::thread([this, raw] { Run(raw); });
  spdlog::info("{} started on {} ({} ranks, -t {} -b {} -s {} -i {})", job_id, absl::StrJoin(targets, ","),
               raw->total_ranks, FormatSize(raw->params.transfer_size), FormatSize(raw->params.block_size),
               raw->params.segments, raw->params.iterations);
  return started;
}

absl::StatusOr<std::shared_ptr<JobEventQueue>> JobCoordinator::Watch(const std::string& job_id) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = running_.find(job_id);
    if (it != running_.end()) {
      JobEvent started;
      *started.mutable_started() = it->second->job;
      return it->second->events.Subscribe(started);
    }
  }
  FTA_ASSIGN_OR_RETURN(fta::v1::Job stored, store_->GetJob(job_id));
  JobEvent finished;
  *finished.mutable_finished() = stored;
  return core::Broadcast<JobEvent>::Replay(clock_, finished);
}

absl::StatusOr<fta::v1::Job> JobCoordinator::Cancel(const std::string& job_id) {
  {
    std::unique_lock<std::mutex> lock(mu_);
    auto it = running_.find(job_id);
    if (it == running_.end()) {
      FTA_ASSIGN_OR_RETURN(fta::v1::Job stored, store_->GetJob(job_id));
      return absl::FailedPreconditionError(absl::StrCat(
          "id: ", job_id, " is not running (", fta::v1::JobState_Name(stored.state()), ")"));
    }
    it->second->cancel_reason = "cancelled by operator";
    it->second->cancel_requested = true;
    it->second->inbox->Close();  // wakes the job thread
    // The job thread records the outcome, then leaves running_.
    job_finished_cv_.wait(lock, [&] { return running_.count(job_id) == 0; });
  }
  return store_->GetJob(job_id);
}

void JobCoordinator::Shutdown(const std::string& reason) {
  {
    std::unique_lock<std::mutex> lock(mu_);
    shutting_down_ = true;
    for (auto& [id, job] : running_) {
      job->cancel_reason = reason;
      job->cancel_requested = true;
      job->inbox->Close();
    }
    job_finished_cv_.wait(lock, [&] { return running_.empty(); });
  }
  finished_threads_.JoinAll();
}

int SampleBatchWindowMs(int configured_ms, int agents, int messages_per_s) {
  // 0 asks for every sample alone: the operator's choice stands.
  if (configured_ms <= 0 || messages_per_s <= 0 || agents <= 0) return configured_ms;
  const int64_t needed_ms = (int64_t{agents} * 1000 + messages_per_s - 1) / messages_per_s;
  return static_cast<int>(std::clamp<int64_t>(needed_ms, configured_ms, std::max(configured_ms, 10000)));
}

void JobCoordinator::SendParts(RunningJob* job) {
  const absl::Time loop_start = clock_->Now();
  const int batch_ms = SampleBatchWindowMs(options_.sample_batch_ms, static_cast<int>(job->agents.size()),
                                           options_.sample_messages_per_s);
  for (const AgentPlan& plan : job->agents) {
    HostMessage message;
    fta::agent::v1::JobPart* part = message.mutable_part();
    part->set_job_id(job->job.id());
    // The spec was resolved once, in Start; the agents run that resolution.
    *part->mutable_params() = ior::EncodeParams(job->params, job->job.spec().engine());
    for (int rank : plan.ranks) part->add_ranks(rank);
    part->set_total_ranks(job->total_ranks);
    part->set_sample_interval_ms(options_.sample_interval_ms);
    part->set_sample_batch_ms(batch_ms);
    part->set_signature(job->signature);
    std::shared_ptr<AgentConnection> connection = links_->Find(plan.fta_id);
    if (!connection) {
      job->inbox->Push(InboxEvent{plan.fta_id, std::nullopt, "not connected when the job started"});
      continue;
    }
    job->sent_ns[plan.fta_id] = clock_->NowUnixNanos();
    connection->Send(message);
  }
  job->send_loop = clock_->Now() - loop_start;
}

absl::Status JobCoordinator::Drive(RunningJob* job) {
  if (job->job.engine() == fta::v1::ENGINE_IOR) return DriveMpi(job);
  if (options_.link_meter_for) {
    std::map<std::string, std::string> vf_by_fta;
    for (const AgentPlan& plan : job->agents) {
      absl::StatusOr<fta::v1::Fta> fta = fleet_->Get(plan.fta_id);
      vf_by_fta[plan.fta_id] = fta.ok() ? fta->vf() : "";
    }
    job->link_meter = options_.link_meter_for(vf_by_fta);
  }
  SendParts(job);
  std::set<std::string> everyone;
  for (const AgentPlan& plan : job->agents) everyone.insert(plan.fta_id);
  // READY's round trip is the first delivery time StartLead learns for an agent.
  FTA_RETURN_IF_ERROR(Collect(job, everyone, std::min(job->ready_deadline, job->deadline), "READY",
                              [this, job](const std::string& fta_id, const AgentMessage& message) {
                                if (!message.has_ready()) return false;
                                ObserveDelivery(job, fta_id, clock_->NowUnixNanos(), Delivery::kReady);
                                return true;
                              }));
  // -T: checked before each write/read phase, from the first phase on; a
  // running phase is never interrupted, later ones are skipped.
  const absl::Time test_start = clock_->Now();
  auto out_of_time = [&](int iteration, Phase phase) {
    if (job->params.max_minutes == 0) return false;
    if (clock_->Now() - test_start < absl::Minutes(static_cast<int64_t>(job->params.max_minutes))) return false;
    spdlog::warn("{}: -T {} min reached, skipping {} of iteration {}", job->job.id(), job->params.max_minutes,
                 PhaseName(phase), iteration);
    return true;
  };
  for (int iteration = 0; iteration < static_cast<int>(job->params.iterations); ++iteration) {
    if (job->params.write && !out_of_time(iteration, fta::v1::PHASE_WRITE)) {
      FTA_RETURN_IF_ERROR(RunPhase(job, iteration, fta::v1::PHASE_WRITE));
    }
    if (job->params.read && !out_of_time(iteration, fta::v1::PHASE_READ)) {
      FTA_RETURN_IF_ERROR(RunPhase(job, iteration, fta::v1::PHASE_READ));
    }
    if (!job->params.keep_files) FTA_RETURN_IF_ERROR(RunPhase(job, iteration, fta::v1::PHASE_REMOVE));
  }
  return absl::OkStatus();
}

void JobCoordinator::Run(RunningJob* job) {
  Finalize(job, Drive(job));
  // Before the FTAs are free: a next job may create files of the same names.
  if (options_.file_keeper != nullptr && job->files_on_host) options_.file_keeper->Finished(job->job.id(), job->job.state());
  if (options_.metrics != nullptr) options_.metrics->OnJobEnded(job->job.id());
  // Agents got Finish/Cancel inside Finalize, so a next job's part reaches
  // them after it; the FTAs are free before anyone hears the job finished.
  links_->CloseInbox(job->job.id());
  fleet_->MarkIdle(AgentIds(*job));
  JobEvent finished;
  *finished.mutable_finished() = job->job;
  job->events.Finish(finished);
  std::lock_guard<std::mutex> lock(mu_);
  finished_threads_.Retire(std::move(job->thread));
  running_.erase(job->job.id());  // `job` is gone after this line
  job_finished_cv_.notify_all();
}

absl::Status JobCoordinator::Collect(
    RunningJob* job, std::set<std::string> pending, absl::Time deadline, const std::string& waiting_for,
    const std::function<bool(const std::string&, const AgentMessage&)>& accept) {
  auto plan_of = [job](const std::string& id) -> AgentPlan* {
    for (AgentPlan& plan : job->agents) {
      if (plan.fta_id == id) return &plan;
    }
    return nullptr;
  };
  while (!pending.empty()) {
    if (job->cancel_requested) return absl::CancelledError(job->cancel_reason);
    std::optional<InboxEvent> event = job->inbox->Pop(deadline);
    if (job->cancel_requested) return absl::CancelledError(job->cancel_reason);
    if (!event) {
      for (const std::string& id : pending) {
        AgentPlan* plan = plan_of(id);
        plan->state = fta::v1::JOB_AGENT_STATE_TIMEOUT;
        plan->error = absl::StrCat("no ", waiting_for, " before the deadline");
      }
      return absl::DeadlineExceededError(
          absl::StrCat(absl::StrJoin(pending, ", "), ": no ", waiting_for, " before the deadline"));
    }
    AgentPlan* plan = plan_of(event->fta_id);
    if (plan == nullptr) continue;
    if (!event->message) {
      plan->state = fta::v1::JOB_AGENT_STATE_LOST;
      plan->error = event->lost_reason;
      return absl::UnavailableError(
          absl::StrCat(event->fta_id, " lost while waiting for ", waiting_for, ": ", event->lost_reason));
    }
    const AgentMessage& message = *event->message;
    if (message.has_failed()) {
      plan->state = fta::v1::JOB_AGENT_STATE_FAILED;
      plan->error = message.failed().message();
      return absl::AbortedError(absl::StrCat(event->fta_id, " failed: ", message.failed().message()));
    }
    if (accept(event->fta_id, message)) pending.erase(event->fta_id);
  }
  return absl::OkStatus();
}

void JobCoordinator::Finalize(RunningJob* job, const absl::Status& outcome) {
  fta::v1::Job& record = job->job;
  HostMessage message;
  if (outcome.ok()) {
    message.mutable_finish()->set_job_id(record.id());
    record.set_state(fta::v1::JOB_STATE_COMPLETED);
    for (AgentPlan& plan : job->agents) plan.state = fta::v1::JOB_AGENT_STATE_OK;
  } else {
    message.mutable_cancel()->set_job_id(record.id());
    message.mutable_cancel()->set_reason(std::string(outcome.message()));
    std::vector<std::string> failed;
    std::vector<std::string> cancelled;
    for (AgentPlan& plan : job->agents) {
      if (plan.state == fta::v1::JOB_AGENT_STATE_OK || plan.state == fta::v1::JOB_AGENT_STATE_RUNNING) {
        plan.state = fta::v1::JOB_AGENT_STATE_CANCELLED;
        cancelled.push_back(plan.fta_id);
      } else {
        failed.push_back(plan.fta_id);
      }
    }
    if (absl::IsCancelled(outcome)) {
      record.set_state(fta::v1::JOB_STATE_CANCELLED);
      record.set_error(std::string(outcome.message()));
    } else {
      record.set_state(record.aggregates_size() > 0 ? fta::v1::JOB_STATE_PARTIAL : fta::v1::JOB_STATE_FAILED);
      std::string error = absl::StrCat(failed.size(), " of ", job->agents.size(), " agents failed (",
                                       absl::StrJoin(failed, ", "), "): ", outcome.message());
      if (!cancelled.empty()) absl::StrAppend(&error, "; cancelled: ", absl::StrJoin(cancelled, ", "));
      record.set_error(error);
    }
  }
  SendToAll(job, message);
  record.clear_agents();
  for (const AgentPlan& plan : job->agents) {
    fta::v1::JobAgent* agent = record.add_agents();
    agent->set_fta_id(plan.fta_id);
    for (int rank : plan.ranks) agent->add_ranks(rank);
    agent->set_state(plan.state);
    agent->set_error(plan.error);
  }
  std::vector<fta::v1::PhaseSummary> summaries =
      job->summaries_from_ior ? std::vector<fta::v1::PhaseSummary>(record.summaries().begin(), record.summaries().end())
                              : SummarizeIterations(record);
  record.clear_summaries();
  for (const auto& summary : summaries) *record.add_summaries() = summary;
  record.set_finished_unix_ms(clock_->NowUnixMillis());
  absl::Status stored = store_->PutJob(record);
  if (stored.ok()) stored = store_->PutSummaries(record.id(), summaries);
  if (!stored.ok()) spdlog::error("{}: storing the outcome failed: {}", record.id(), std::string(stored.message()));
  if (outcome.ok()) {
    spdlog::info("{} completed", record.id());
  } else {
    spdlog::warn("{} {}: {}", record.id(), fta::v1::JobState_Name(record.state()), record.error());
  }
}

}  // namespace fta::hostd
