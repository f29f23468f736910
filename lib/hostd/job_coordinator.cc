#include "lib/hostd/job_coordinator.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "lib/core/status_macros.h"
#include "lib/core/units.h"
#include "lib/hostd/engine_choice.h"
#include "lib/hostd/job_results.h"
#include "lib/hostd/job_spec.h"
#include "lib/ior/ior_spec.h"
#include "spdlog/spdlog.h"

namespace fta::hostd {
namespace {

using fta::v1::AgentMessage;
using fta::v1::HostMessage;
using fta::v1::JobEvent;
using fta::v1::Phase;

std::string PhaseName(Phase phase) {
  switch (phase) {
    case fta::v1::PHASE_WRITE:
      return "write";
    case fta::v1::PHASE_READ:
      return "read";
    case fta::v1::PHASE_REMOVE:
      return "remove";
    default:
      return "?";
  }
}

// -D: the read after a stonewalled write of the same iteration reads only
// what every rank wrote (the smallest count; with wear-out all are equal),
// so no reader runs into the end of a shorter file (IOR's
// stoneWallingWearOutIterations). 0 = no cap.
template <typename RunningJobT>
int64_t ReadTransferCap(const RunningJobT& job, int iteration, Phase phase) {
  if (phase != fta::v1::PHASE_READ || job.params.deadline_seconds == 0 || !job.params.write) return 0;
  int64_t cap = 0;
  for (const auto& result : job.job.rank_results()) {
    if (result.iteration() != iteration || result.phase() != fta::v1::PHASE_WRITE) continue;
    if (cap == 0 || result.ops() < cap) cap = result.ops();
  }
  return cap;
}

}  // namespace

// ---------------------------------------------------------------------------
// JobCoordinator

JobCoordinator::JobCoordinator(Options options, store::Store* store, FtaManager* ftas,
                               AgentRegistry* registry, const Clock* clock)
    : options_(options), store_(store), ftas_(ftas), registry_(registry), clock_(clock) {}

JobCoordinator::~JobCoordinator() { Shutdown("daemon shutting down"); }

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
  bool has_all = std::count(on.begin(), on.end(), "all") > 0;
  bool has_native = std::count(on.begin(), on.end(), kNativeFtaId) > 0;
  if ((has_all || has_native) && on.size() > 1) {
    return absl::InvalidArgumentError("on: \"all\" and \"native\" cannot be combined with other targets");
  }
  if (has_native) {
    FTA_RETURN_IF_ERROR(ftas_->EnsureNative(deadline));
    return std::vector<std::string>{kNativeFtaId};
  }
  if (has_all) {
    std::vector<std::string> ready = ftas_->ReadyGuestIds();
    if (ready.empty()) {
      return absl::FailedPreconditionError(
          "on: no FTA is ready (allocate some first: ftactl vm allocate -n N)");
    }
    return ready;
  }
  std::set<std::string> seen;
  for (const std::string& id : on) {
    if (!seen.insert(id).second) return absl::InvalidArgumentError(absl::StrCat("on: ", id, " is listed twice"));
    absl::StatusOr<fta::v1::Fta> fta = ftas_->Get(id);
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

absl::StatusOr<JobCoordinator::Started> JobCoordinator::Start(const fta::v1::RunIorRequest& request) {
  FTA_ASSIGN_OR_RETURN(ior::IorParams params, ParamsFromSpec(request.spec()));
  bool runs_on_host = options_.guests_share_host_filesystem ||
                      std::count(request.on().begin(), request.on().end(), kNativeFtaId) > 0;
  FTA_RETURN_IF_ERROR(runs_on_host ? CheckDirectoryWritable("directory (-d)", params.directory)
                                   : CheckDirectoryAbsolute("directory (-d)", params.directory));
  if (request.ready_timeout_s() < 0) {
    return absl::InvalidArgumentError(absl::StrCat("ready_timeout_s: must not be negative, got ",
                                                   request.ready_timeout_s()));
  }
  if (request.deadline_s() < 0) {
    return absl::InvalidArgumentError(absl::StrCat("deadline_s: must not be negative, got ", request.deadline_s()));
  }
  absl::Duration ready_timeout =
      request.ready_timeout_s() > 0 ? absl::Seconds(request.ready_timeout_s()) : options_.ready_timeout;
  absl::Duration deadline = request.deadline_s() > 0 ? absl::Seconds(request.deadline_s()) : options_.deadline;
  FTA_ASSIGN_OR_RETURN(std::vector<std::string> targets,
                       ResolveTargets(request, absl::Now() + options_.native_start_timeout));

  auto job = std::make_unique<RunningJob>();
  job->params = params;
  int ranks_per_fta = request.spec().ranks_per_fta() > 0 ? static_cast<int>(request.spec().ranks_per_fta()) : 1;
  for (const std::string& id : targets) {
    AgentPlan plan;
    plan.fta_id = id;
    for (int r = 0; r < ranks_per_fta; ++r) plan.ranks.push_back(job->total_ranks++);
    job->agents.push_back(plan);
  }
  std::vector<fta::v1::Fta> target_ftas;
  for (const std::string& id : targets) {
    FTA_ASSIGN_OR_RETURN(fta::v1::Fta fta, ftas_->Get(id));
    target_ftas.push_back(std::move(fta));
  }
  FTA_ASSIGN_OR_RETURN(EngineChoice engine, ChooseEngine(request.spec(), params, target_ftas));
  FTA_ASSIGN_OR_RETURN(std::string job_id, store_->NextJobId());
  FTA_RETURN_IF_ERROR(ftas_->MarkBusy(targets, job_id));

  fta::v1::Job& record = job->job;
  record.set_id(job_id);
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
  for (const AgentPlan& plan : job->agents) {
    fta::v1::JobAgent* agent = record.add_agents();
    agent->set_fta_id(plan.fta_id);
    for (int rank : plan.ranks) agent->add_ranks(rank);
    agent->set_state("running");
  }
  absl::Status stored = store_->PutJob(record);
  if (!stored.ok()) {
    ftas_->MarkIdle(targets);
    return stored;
  }
  job->signature = clock_->NowUnixNanos() / 1'000'000'000;
  job->ready_deadline = absl::Now() + ready_timeout;
  job->deadline = absl::Now() + deadline;
  job->inbox = registry_->OpenInbox(job_id, std::set<std::string>(targets.begin(), targets.end()));

  Started started;
  started.job = record;
  started.events = std::make_shared<JobEventQueue>();
  JobEvent first;
  *first.mutable_started() = record;
  started.events->Push(first);
  job->subscribers.push_back(started.events);

  std::lock_guard<std::mutex> lock(mu_);
  if (shutting_down_) {
    ftas_->MarkIdle(targets);
    registry_->CloseInbox(job_id);
    return absl::UnavailableError("daemon is shutting down");
  }
  for (std::thread& thread : finished_threads_) thread.join();
  finished_threads_.clear();
  RunningJob* raw = job.get();
  running_[job_id] = std::move(job);
  raw->thread = std::thread([this, raw] { Run(raw); });
  spdlog::info("{} started on {} ({} ranks, -t {} -b {} -s {} -i {})", job_id, absl::StrJoin(targets, ","),
               raw->total_ranks, FormatSize(params.transfer_size), FormatSize(params.block_size),
               params.segments, params.iterations);
  return started;
}

absl::StatusOr<std::shared_ptr<JobEventQueue>> JobCoordinator::Watch(const std::string& job_id) {
  auto queue = std::make_shared<JobEventQueue>();
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = running_.find(job_id);
    if (it != running_.end()) {
      RunningJob* job = it->second.get();
      std::lock_guard<std::mutex> subscribers(job->subscribers_mu);
      JobEvent started;
      *started.mutable_started() = job->job;
      queue->Push(started);
      job->subscribers.push_back(queue);
      return queue;
    }
  }
  FTA_ASSIGN_OR_RETURN(fta::v1::Job stored, store_->GetJob(job_id));
  JobEvent finished;
  *finished.mutable_finished() = stored;
  queue->Push(finished);
  queue->Close();
  return queue;
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
    it->second->inbox->Interrupt();
    // The job thread records the outcome, then leaves running_.
    job_finished_cv_.wait(lock, [&] { return running_.count(job_id) == 0; });
  }
  return store_->GetJob(job_id);
}

void JobCoordinator::Shutdown(const std::string& reason) {
  std::vector<std::thread> threads;
  {
    std::unique_lock<std::mutex> lock(mu_);
    shutting_down_ = true;
    for (auto& [id, job] : running_) {
      job->cancel_reason = reason;
      job->cancel_requested = true;
      job->inbox->Interrupt();
    }
    job_finished_cv_.wait(lock, [&] { return running_.empty(); });
    threads.swap(finished_threads_);
  }
  for (std::thread& thread : threads) thread.join();
}

void JobCoordinator::Publish(RunningJob* job, const JobEvent& event) {
  std::lock_guard<std::mutex> lock(job->subscribers_mu);
  for (auto& subscriber : job->subscribers) subscriber->Push(event);
}

void JobCoordinator::SendToAll(RunningJob* job, const HostMessage& message) {
  for (const AgentPlan& plan : job->agents) {
    if (auto connection = registry_->Find(plan.fta_id)) connection->Send(message);
  }
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
        plan->state = "timeout";
        plan->error = absl::StrCat("no ", waiting_for, " before the deadline");
      }
      return absl::DeadlineExceededError(
          absl::StrCat(absl::StrJoin(pending, ", "), ": no ", waiting_for, " before the deadline"));
    }
    AgentPlan* plan = plan_of(event->fta_id);
    if (plan == nullptr) continue;
    if (!event->message) {
      plan->state = "lost";
      plan->error = event->lost_reason;
      return absl::UnavailableError(
          absl::StrCat(event->fta_id, " lost while waiting for ", waiting_for, ": ", event->lost_reason));
    }
    const AgentMessage& message = *event->message;
    if (message.has_failed()) {
      plan->state = "failed";
      plan->error = message.failed().message();
      return absl::AbortedError(absl::StrCat(event->fta_id, " failed: ", message.failed().message()));
    }
    if (accept(event->fta_id, message)) pending.erase(event->fta_id);
  }
  return absl::OkStatus();
}

absl::Status JobCoordinator::RunPhase(RunningJob* job, int iteration, Phase phase) {
  HostMessage go;
  go.mutable_go()->set_job_id(job->job.id());
  go.mutable_go()->set_iteration(iteration);
  go.mutable_go()->set_phase(phase);
  // A common start a little ahead, so every agent gets GO before it is due:
  // the cross-agent equivalent of IOR's barrier before open.
  // -d (--delay): IOR's rank 0 sleeps before every write and read phase,
  // untimed; here the common start moves back by the delay.
  const int64_t delay_ns = phase == fta::v1::PHASE_REMOVE
                               ? 0
                               : static_cast<int64_t>(job->params.inter_test_delay_seconds) * 1'000'000'000;
  go.mutable_go()->set_start_at_unix_ns(clock_->NowUnixNanos() + delay_ns + 20'000'000 +
                                        2'000'000 * static_cast<int64_t>(job->agents.size()));
  go.mutable_go()->set_max_transfers(ReadTransferCap(*job, iteration, phase));
  if (job->link_meter) job->link_meter->StartPhase();
  SendToAll(job, go);
  // Sync points inside the phase (-g barriers, -D wear-out): who arrived and
  // the largest transfer count reported, per point.
  std::map<int, std::set<std::string>> sync_arrived;
  std::map<int, int64_t> sync_max_transfers;

  std::set<std::string> pending;
  for (const AgentPlan& plan : job->agents) pending.insert(plan.fta_id);
  std::vector<fta::v1::RankPhaseResult> results;
  int64_t bytes_done = 0;
  int64_t bytes_at_last_progress = 0;
  absl::Time last_progress = absl::Now();
  int64_t expected = static_cast<int64_t>(ior::BytesPerRank(job->params)) * job->total_ranks;
  absl::Duration progress_every = absl::Milliseconds(options_.sample_interval_ms);

  absl::Status collected = Collect(
      job, pending, job->deadline, absl::StrCat(PhaseName(phase), " result (iteration ", iteration, ")"),
      [&](const std::string& fta_id, const AgentMessage& message) {
        if (message.has_sample()) {
          const auto& sample = message.sample();
          if (sample.iteration() != iteration || sample.phase() != phase) return false;
          bytes_done += sample.bytes();
          absl::Time now = absl::Now();
          if (now - last_progress >= progress_every) {
            JobEvent event;
            fta::v1::Progress* progress = event.mutable_progress();
            progress->set_iteration(iteration);
            progress->set_phase(phase);
            progress->set_bytes_done(bytes_done);
            progress->set_bytes_expected(phase == fta::v1::PHASE_REMOVE ? 0 : expected);
            progress->set_current_mib(static_cast<double>(bytes_done - bytes_at_last_progress) /
                                      absl::ToDoubleSeconds(now - last_progress) / 1048576.0);
            progress->set_link_utilisation_pct(job->link_meter ? job->link_meter->Sample() : -1);
            bytes_at_last_progress = bytes_done;
            last_progress = now;
            Publish(job, event);
          }
          return false;
        }
        if (message.has_sync_arrive()) {
          const auto& arrive = message.sync_arrive();
          if (arrive.iteration() != iteration || arrive.phase() != phase) return false;
          std::set<std::string>& arrived = sync_arrived[arrive.point()];
          arrived.insert(fta_id);
          int64_t& max_transfers = sync_max_transfers[arrive.point()];
          max_transfers = std::max(max_transfers, arrive.transfers());
          if (arrived.size() == job->agents.size()) {
            HostMessage release;
            fta::v1::SyncRelease* body = release.mutable_sync_release();
            body->set_job_id(job->job.id());
            body->set_iteration(iteration);
            body->set_phase(phase);
            body->set_point(arrive.point());
            body->set_transfers(max_transfers);
            SendToAll(job, release);
          }
          return false;
        }
        if (message.has_phase_done()) {
          bool complete = false;
          for (const auto& rank : message.phase_done().ranks()) {
            if (rank.iteration() != iteration || rank.phase() != phase) continue;
            fta::v1::RankPhaseResult copy = rank;
            copy.set_fta_id(fta_id);
            results.push_back(copy);
            complete = true;
          }
          return complete;
        }
        return false;
      });
  FTA_RETURN_IF_ERROR(collected);

  std::sort(results.begin(), results.end(),
            [](const auto& a, const auto& b) { return a.rank() < b.rank(); });
  // The engine decided the source at Start; an agent reporting another one
  // (an older agent, say) makes it visible instead of silently mixing.
  for (const auto& result : results) {
    const std::string& source = result.timestamp_source();
    if (source.empty() || source == job->job.timestamp_source() ||
        absl::StartsWith(job->job.timestamp_source(), "mixed")) {
      continue;
    }
    job->job.set_timestamp_source(absl::StrCat("mixed: ", job->job.timestamp_source(), ", ", source));
  }
  FTA_RETURN_IF_ERROR(store_->AddRankResults(job->job.id(), results));
  for (const auto& result : results) *job->job.add_rank_results() = result;
  if (phase == fta::v1::PHASE_REMOVE) return absl::OkStatus();

  FTA_ASSIGN_OR_RETURN(fta::v1::PhaseAggregate aggregate, AggregatePhaseResults(iteration, phase, results));
  if (options_.available_memory_bytes) {
    aggregate.set_cache_note(CacheNote(aggregate, job->params, static_cast<int>(results.size()),
                                       options_.available_memory_bytes()));
  }
  if (job->link_meter) {
    std::map<std::string, int64_t> bytes_by_fta;
    for (const auto& result : results) bytes_by_fta[result.fta_id()] += result.bytes();
    for (fta::v1::LinkUsage& link : job->link_meter->FinishPhase(phase, bytes_by_fta)) {
      if (!link.error().empty()) {
        spdlog::warn("{} {}: link {}: {}", job->job.id(), PhaseName(phase), link.ib_port(), link.error());
      } else if (link.check() != "ok") {
        spdlog::warn("{} {}: link {}: {}", job->job.id(), PhaseName(phase), link.ib_port(), link.check());
      }
      *aggregate.add_links() = std::move(link);
    }
  }
  FTA_RETURN_IF_ERROR(store_->AddAggregate(job->job.id(), aggregate));
  *job->job.add_aggregates() = aggregate;
  JobEvent event;
  *event.mutable_phase_finished() = aggregate;
  Publish(job, event);
  spdlog::info("{} iteration {} {}: {:.1f} MiB/s ({} in {:.3f} s, skew {:.3f} ms)", job->job.id(), iteration,
               PhaseName(phase), aggregate.bandwidth_mib(), HumanBytes(static_cast<uint64_t>(aggregate.bytes())),
               aggregate.total_seconds(), aggregate.start_skew_seconds() * 1e3);
  return absl::OkStatus();
}

void JobCoordinator::Run(RunningJob* job) {
  absl::Status outcome = [&]() -> absl::Status {
    if (options_.link_meter_for) {
      std::map<std::string, std::string> vf_by_fta;
      for (const AgentPlan& plan : job->agents) {
        absl::StatusOr<fta::v1::Fta> fta = ftas_->Get(plan.fta_id);
        vf_by_fta[plan.fta_id] = fta.ok() ? fta->vf() : "";
      }
      job->link_meter = options_.link_meter_for(vf_by_fta);
    }
    int64_t sample_interval = options_.sample_interval_ms;
    for (const AgentPlan& plan : job->agents) {
      HostMessage message;
      fta::v1::JobPart* part = message.mutable_part();
      part->set_job_id(job->job.id());
      *part->mutable_spec() = job->job.spec();
      for (int rank : plan.ranks) part->add_ranks(rank);
      part->set_total_ranks(job->total_ranks);
      part->set_sample_interval_ms(static_cast<int32_t>(sample_interval));
      part->set_transfer_size_bytes(static_cast<int64_t>(job->params.transfer_size));
      part->set_block_size_bytes(static_cast<int64_t>(job->params.block_size));
      part->set_signature(job->signature);
      std::shared_ptr<AgentConnection> connection = registry_->Find(plan.fta_id);
      if (!connection) {
        job->inbox->Push(InboxEvent{plan.fta_id, std::nullopt, "not connected when the job started"});
        continue;
      }
      connection->Send(message);
    }
    std::set<std::string> everyone;
    for (const AgentPlan& plan : job->agents) everyone.insert(plan.fta_id);
    FTA_RETURN_IF_ERROR(Collect(job, everyone, std::min(job->ready_deadline, job->deadline), "READY",
                                [](const std::string&, const AgentMessage& message) {
                                  return message.has_ready();
                                }));
    // -T: checked before each write/read phase, from the first phase on; a
    // running phase is never interrupted, later ones are skipped.
    const absl::Time test_start = absl::Now();
    auto out_of_time = [&](int iteration, Phase phase) {
      if (job->params.max_minutes == 0) return false;
      if (absl::Now() - test_start < absl::Minutes(static_cast<int64_t>(job->params.max_minutes))) return false;
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
  }();
  Finalize(job, outcome);

  // Agents got Finish/Cancel inside Finalize, so a next job's part reaches
  // them after it; the FTAs are free before anyone hears the job finished.
  std::vector<std::string> ids;
  for (const AgentPlan& plan : job->agents) ids.push_back(plan.fta_id);
  registry_->CloseInbox(job->job.id());
  ftas_->MarkIdle(ids);
  JobEvent finished;
  *finished.mutable_finished() = job->job;
  Publish(job, finished);
  {
    std::lock_guard<std::mutex> subscribers(job->subscribers_mu);
    for (auto& subscriber : job->subscribers) subscriber->Close();
  }
  std::lock_guard<std::mutex> lock(mu_);
  finished_threads_.push_back(std::move(job->thread));
  running_.erase(job->job.id());  // `job` is gone after this line
  job_finished_cv_.notify_all();
}

void JobCoordinator::Finalize(RunningJob* job, const absl::Status& outcome) {
  fta::v1::Job& record = job->job;
  HostMessage message;
  if (outcome.ok()) {
    message.mutable_finish()->set_job_id(record.id());
    record.set_state(fta::v1::JOB_STATE_COMPLETED);
    for (AgentPlan& plan : job->agents) plan.state = "ok";
  } else {
    message.mutable_cancel()->set_job_id(record.id());
    message.mutable_cancel()->set_reason(std::string(outcome.message()));
    std::vector<std::string> failed;
    std::vector<std::string> cancelled;
    for (AgentPlan& plan : job->agents) {
      if (plan.state == "ok" || plan.state == "running") {
        plan.state = "cancelled";
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
  std::vector<fta::v1::PhaseSummary> summaries = SummarizeIterations(record);
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
