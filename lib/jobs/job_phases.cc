// JobCoordinator, one phase of one iteration: GO with a common start time,
// progress from the agents' samples, the barrier protocol inside the phase
// (-g, -D wear-out), the ranks' results, the aggregate and link metering.
#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "lib/core/status_macros.h"
#include "lib/core/units.h"
#include "lib/jobs/job_coordinator.h"
#include "lib/jobs/job_results.h"
#include "lib/jobs/start_at.h"
#include "spdlog/spdlog.h"

namespace fta::hostd {

using fta::agent::v1::AgentMessage;
using fta::agent::v1::HostMessage;
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

namespace {

// -D: the read after a stonewalled write of the same iteration reads only
// what every rank wrote (the smallest count; with wear-out all are equal),
// so no reader runs into the end of a shorter file (IOR's
// stoneWallingWearOutIterations). 0 = no cap.
int64_t ReadTransferCap(const fta::v1::Job& job, const ior::IorParams& params, int iteration, Phase phase) {
  if (phase != fta::v1::PHASE_READ || params.deadline_seconds == 0 || !params.write) return 0;
  int64_t cap = 0;
  for (const auto& result : job.rank_results()) {
    if (result.iteration() != iteration || result.phase() != fta::v1::PHASE_WRITE) continue;
    if (cap == 0 || result.ops() < cap) cap = result.ops();
  }
  return cap;
}

}  // namespace

// What the agents report during one phase: samples become progress events,
// sync arrivals become releases once everyone arrived, phase_done ends an
// agent's part of the phase.
class JobCoordinator::PhaseCollector {
 public:
  PhaseCollector(JobCoordinator* coordinator, RunningJob* job, int iteration, Phase phase)
      : coordinator_(coordinator), job_(job), iteration_(iteration), phase_(phase),
        last_progress_(coordinator->clock_->Now()),
        expected_(static_cast<int64_t>(ior::BytesPerRank(job->params)) * job->total_ranks) {}

  // True once `fta_id` delivered its results of this phase.
  bool Accept(const std::string& fta_id, const AgentMessage& message) {
    if (message.has_sample()) {
      Count(message.sample());
      MaybeProgress();
    } else if (message.has_sample_batch()) {
      // An agent's batch (SampleBatch): counted whole, one progress at most.
      for (const auto& sample : message.sample_batch().samples()) Count(sample);
      MaybeProgress();
    } else if (message.has_sync_arrive()) {
      OnSyncArrive(fta_id, message.sync_arrive());
    } else if (message.has_phase_done()) {
      return OnPhaseDone(fta_id, message.phase_done());
    }
    return false;
  }
  std::vector<fta::v1::RankPhaseResult> TakeResults() { return std::move(results_); }

 private:
  bool Mine(int iteration, Phase phase) const { return iteration == iteration_ && phase == phase_; }

  void Count(const fta::agent::v1::ThroughputSample& sample) {
    if (!Mine(sample.iteration(), sample.phase())) return;
    bytes_done_ += sample.bytes();
    JobMetricsSink* metrics = coordinator_->options_.metrics;
    if (metrics != nullptr) metrics->OnSample(sample.bytes());
  }

  // A progress event at most every sample interval; none allocates per sample.
  void MaybeProgress() {
    JobMetricsSink* metrics = coordinator_->options_.metrics;
    const absl::Time now = coordinator_->clock_->Now();
    if (now - last_progress_ < absl::Milliseconds(coordinator_->options_.sample_interval_ms)) return;
    JobEvent event;
    fta::v1::Progress* progress = event.mutable_progress();
    progress->set_iteration(iteration_);
    progress->set_phase(phase_);
    progress->set_bytes_done(bytes_done_);
    progress->set_bytes_expected(phase_ == fta::v1::PHASE_REMOVE ? 0 : expected_);
    progress->set_current_mib(static_cast<double>(bytes_done_ - bytes_at_last_progress_) /
                              absl::ToDoubleSeconds(now - last_progress_) / 1048576.0);
    progress->set_link_utilisation_pct(job_->link_meter ? job_->link_meter->Sample() : -1);
    bytes_at_last_progress_ = bytes_done_;
    last_progress_ = now;
    if (metrics != nullptr) {
      metrics->OnProgress(job_->job.id(), progress->current_mib(), progress->link_utilisation_pct());
    }
    job_->events.PublishLive(event, kMaxLiveBacklog);
  }

  void OnSyncArrive(const std::string& fta_id, const fta::agent::v1::SyncArrive& arrive) {
    if (!Mine(arrive.iteration(), arrive.phase())) return;
    std::set<std::string>& arrived = sync_arrived_[arrive.point()];
    arrived.insert(fta_id);
    int64_t& max_transfers = sync_max_transfers_[arrive.point()];
    max_transfers = std::max(max_transfers, arrive.transfers());
    if (arrived.size() != job_->agents.size()) return;
    HostMessage release;
    fta::agent::v1::SyncRelease* body = release.mutable_sync_release();
    body->set_job_id(job_->job.id());
    body->set_iteration(iteration_);
    body->set_phase(phase_);
    body->set_point(arrive.point());
    body->set_transfers(max_transfers);
    // -g: the ranks leave the barrier together, ahead like a GO's start.
    if (arrive.point() != fta::agent::v1::SYNC_POINT_STONEWALL) {
      const absl::Duration lead = coordinator_->start_lead_.LeadFor(AgentIds(*job_), job_->send_loop);
      body->set_release_at_unix_ns(coordinator_->clock_->NowUnixNanos() + absl::ToInt64Nanoseconds(lead));
    }
    coordinator_->SendToAll(job_, release);
  }

  // When the agent got the GO and parked its ranks: the phase's lateness,
  // and one delivery time for the next start's lead.
  void OnStartTimes(const std::string& fta_id, const fta::agent::v1::PhaseDone& done) {
    RunningJob::PhaseStart& start = job_->phase_start;
    start.last_go_ns = std::max(start.last_go_ns, done.go_received_unix_ns());
    start.last_parked_ns = std::max(start.last_parked_ns, done.ranks_parked_unix_ns());
    // An agent that reports no parking (its ranks never waited) acted on the GO when it got it.
    if (done.ranks_parked_unix_ns() > 0) {
      coordinator_->ObserveDelivery(job_, fta_id, done.ranks_parked_unix_ns(), Delivery::kParked);
    } else {
      coordinator_->ObserveDelivery(job_, fta_id, done.go_received_unix_ns(), Delivery::kReady);
    }
  }

  bool OnPhaseDone(const std::string& fta_id, const fta::agent::v1::PhaseDone& done) {
    OnStartTimes(fta_id, done);
    bool complete = false;
    for (const auto& rank : done.ranks()) {
      if (!Mine(rank.iteration(), rank.phase())) continue;
      fta::v1::RankPhaseResult copy = rank;
      copy.set_fta_id(fta_id);
      results_.push_back(copy);
      complete = true;
    }
    return complete;
  }

  JobCoordinator* coordinator_;
  RunningJob* job_;
  const int iteration_;
  const Phase phase_;
  int64_t bytes_done_ = 0;
  int64_t bytes_at_last_progress_ = 0;
  absl::Time last_progress_;
  const int64_t expected_;
  // Sync points inside the phase (-g barriers, -D wear-out): who arrived and
  // the largest transfer count reported, per point.
  std::map<int, std::set<std::string>> sync_arrived_;
  std::map<int, int64_t> sync_max_transfers_;
  std::vector<fta::v1::RankPhaseResult> results_;
};

void JobCoordinator::SendToAll(RunningJob* job, const HostMessage& message) {
  for (const AgentPlan& plan : job->agents) {
    if (auto connection = links_->Find(plan.fta_id)) connection->Send(message);
  }
}

std::vector<std::string> JobCoordinator::AgentIds(const RunningJob& job) {
  std::vector<std::string> ids;
  for (const AgentPlan& plan : job.agents) ids.push_back(plan.fta_id);
  return ids;
}

void JobCoordinator::SendTimed(RunningJob* job, const HostMessage& message) {
  const absl::Time loop_start = clock_->Now();
  for (const AgentPlan& plan : job->agents) {
    if (auto connection = links_->Find(plan.fta_id)) {
      job->sent_ns[plan.fta_id] = clock_->NowUnixNanos();
      connection->Send(message);
    }
  }
  job->send_loop = clock_->Now() - loop_start;
}

void JobCoordinator::ObserveDelivery(RunningJob* job, const std::string& fta_id, int64_t at_ns, Delivery kind) {
  auto sent = job->sent_ns.find(fta_id);
  if (sent != job->sent_ns.end() && at_ns > 0)
    start_lead_.Observe(fta_id, absl::Nanoseconds(at_ns - sent->second), kind);
}

HostMessage JobCoordinator::MakeGo(const RunningJob& job, int iteration, Phase phase, absl::Duration lead) {
  HostMessage go;
  go.mutable_go()->set_job_id(job.job.id());
  go.mutable_go()->set_iteration(iteration);
  go.mutable_go()->set_phase(phase);
  // A common start `lead` ahead (StartLead), so every agent has the GO and
  // its ranks parked before it is due: the cross-agent equivalent of IOR's
  // barrier before open.
  // -d (--delay): IOR's rank 0 sleeps before every write and read phase,
  // untimed; here the common start moves back by the delay.
  const int64_t delay_ns = phase == fta::v1::PHASE_REMOVE
                               ? 0
                               : static_cast<int64_t>(job.params.inter_test_delay_seconds) * 1'000'000'000;
  // --start-at: no GO is due before the agreed time (other hosts start
  // then too); only the first is affected, later ones come after it anyway.
  go.mutable_go()->set_start_at_unix_ns(FirstGoAt(
      clock_->NowUnixNanos() + delay_ns + absl::ToInt64Nanoseconds(lead), job.job.start_at_unix_ms()));
  go.mutable_go()->set_max_transfers(ReadTransferCap(job.job, job.params, iteration, phase));
  return go;
}

absl::Status JobCoordinator::RunPhase(RunningJob* job, int iteration, Phase phase) {
  const absl::Duration lead = start_lead_.LeadFor(AgentIds(*job), job->send_loop);
  HostMessage go = MakeGo(*job, iteration, phase, lead);
  job->phase_start = RunningJob::PhaseStart{go.go().start_at_unix_ns(), lead};
  if (job->link_meter) job->link_meter->StartPhase();
  SendTimed(job, go);
  std::set<std::string> pending;
  for (const AgentPlan& plan : job->agents) pending.insert(plan.fta_id);
  PhaseCollector collector(this, job, iteration, phase);
  FTA_RETURN_IF_ERROR(Collect(job, pending, job->deadline,
                              absl::StrCat(PhaseName(phase), " result (iteration ", iteration, ")"),
                              [&](const std::string& fta_id, const AgentMessage& message) {
                                return collector.Accept(fta_id, message);
                              }));
  return RecordPhase(job, iteration, phase, collector.TakeResults());
}

absl::Status JobCoordinator::RecordPhase(RunningJob* job, int iteration, Phase phase,
                                         std::vector<fta::v1::RankPhaseResult> results) {
  std::sort(results.begin(), results.end(), [](const auto& a, const auto& b) { return a.rank() < b.rank(); });
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
  const RunningJob::PhaseStart& start = job->phase_start;
  aggregate.set_start_lead_seconds(absl::ToDoubleSeconds(start.lead));
  if (start.last_go_ns > 0)
    aggregate.set_go_late_seconds(static_cast<double>(start.last_go_ns - start.at_ns) / 1e9);
  if (start.last_parked_ns > 0) {
    aggregate.set_park_late_seconds(static_cast<double>(start.last_parked_ns - start.at_ns) / 1e9);
  }
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
  job->events.Publish(event);
  spdlog::info(
      "{} iteration {} {}: {:.1f} MiB/s ({} in {:.3f} s, skew {:.3f} ms, lead {:.3f} ms, last GO {:+.3f} ms)",
      job->job.id(), iteration, PhaseName(phase), aggregate.bandwidth_mib(),
      HumanBytes(static_cast<uint64_t>(aggregate.bytes())), aggregate.total_seconds(),
      aggregate.start_skew_seconds() * 1e3, aggregate.start_lead_seconds() * 1e3,
      aggregate.go_late_seconds() * 1e3);
  return absl::OkStatus();
}

}  // namespace fta::hostd
