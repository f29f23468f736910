#include "lib/agent/job_runner.h"

#include <algorithm>
#include <atomic>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "lib/agent/job_part.h"
#include "lib/agent/phase_runner.h"
#include "lib/agent/phase_sync.h"
#include "lib/agent/sample_batcher.h"
#include "lib/agent/start_gate.h"
#include "spdlog/spdlog.h"

namespace fta::agent {

struct JobRunner::Job {
  std::string id;
  PartPlan plan;
  std::vector<std::unique_ptr<RankEngine>> engines;  // parallel to plan.ranks
  // Engines poll this between transfers: set by a drop or a failure.
  std::atomic<bool> abort{false};
  // Set by the reader thread when it starts a Go, cleared by the worker
  // before it reports, so the host's next Go never sees a stale "running".
  std::atomic<bool> phase_running{false};

  // Sends for this job happen under gate_mu, and dropping takes it, so once
  // DropActiveLocked() returns nothing more goes out for the job. A failed job
  // has sent its one PartFailed and stays silent too.
  absl::Mutex gate_mu;
  bool dropped ABSL_GUARDED_BY(gate_mu) = false;
  bool failed ABSL_GUARDED_BY(gate_mu) = false;

  bool Failed() {
    absl::MutexLock lock(&gate_mu);
    return failed;
  }

  // The sync points of the phase now running (-g, -D wear-out); the host's
  // SyncRelease for that iteration and phase goes here.
  absl::Mutex sync_mu;
  std::shared_ptr<AgentPhaseSync> sync ABSL_GUARDED_BY(sync_mu);
  int sync_iteration ABSL_GUARDED_BY(sync_mu) = -1;
  fta::v1::Phase sync_phase ABSL_GUARDED_BY(sync_mu) = fta::v1::PHASE_UNSPECIFIED;
};

namespace {

v1::AgentMessage FailedMessage(const std::string& job_id, const std::string& text, fta::v1::Phase phase,
                               int iteration) {
  v1::AgentMessage message;
  v1::PartFailed* failed = message.mutable_failed();
  failed->set_job_id(job_id);
  failed->set_message(text);
  failed->set_phase(phase);
  failed->set_iteration(iteration);
  return message;
}

// The error to report for a phase: a real failure wins over the CANCELLED
// its siblings return once the failing rank has set abort.
const absl::Status* FirstError(const std::vector<absl::StatusOr<ior::PhaseMeasurement>>& results) {
  const absl::Status* first = nullptr;
  for (const auto& r : results) {
    if (r.ok()) continue;
    if (!absl::IsCancelled(r.status())) return &r.status();
    if (first == nullptr) first = &r.status();
  }
  return first;
}

// A rank's timestamps and counts as PhaseDone carries them.
void SetMeasurement(const ior::PhaseMeasurement& m, fta::v1::RankPhaseResult* r) {
  r->set_open_start_ns(m.open_start_ns);
  r->set_open_end_ns(m.open_end_ns);
  r->set_xfer_start_ns(m.xfer_start_ns);
  r->set_xfer_end_ns(m.xfer_end_ns);
  r->set_close_start_ns(m.close_start_ns);
  r->set_close_end_ns(m.close_end_ns);
  r->set_bytes(static_cast<int64_t>(m.bytes));
  r->set_ops(static_cast<int64_t>(m.ops));
  r->set_stonewall_ops(static_cast<int64_t>(m.stonewall_ops));
  r->set_stonewall_ns(m.stonewall_ns);
}

}  // namespace

int64_t SettleAfterStartNs(int64_t lead_ns, int total_ranks) {
  constexpr int64_t kPerRankNs = 500'000;
  constexpr int64_t kMostNs = 100'000'000;
  return std::min(kMostNs, std::max(std::max<int64_t>(lead_ns, 0) / 4, kPerRankNs * std::max(total_ranks, 0)));
}

JobRunner::JobRunner(std::string fta_id, const Clock* clock, EngineFactory engine_factory, MessageSink sink)
    : fta_id_(std::move(fta_id)), clock_(clock), engine_factory_(std::move(engine_factory)), sink_(std::move(sink)) {}

JobRunner::~JobRunner() {
  DropAll("agent shutting down");
  JoinAll();
}

void JobRunner::Handle(const v1::HostMessage& message) {
  {
    absl::MutexLock lock(&mu_);
    ReapLocked();
  }
  switch (message.body_case()) {
    case v1::HostMessage::kPart:
      OnPart(message.part());
      break;
    case v1::HostMessage::kGo:
      OnGo(message.go());
      break;
    case v1::HostMessage::kCancel:
      OnCancel(message.cancel());
      break;
    case v1::HostMessage::kFinish:
      OnFinish(message.finish());
      break;
    case v1::HostMessage::kSyncRelease:
      OnSyncRelease(message.sync_release());
      break;
    default:
      break;
  }
}

void JobRunner::OnPart(const v1::JobPart& part) {
  std::string busy_with;
  {
    absl::MutexLock lock(&mu_);
    if (active_ != nullptr) {
      // A failed job whose phase has ended is dead weight: the host may have
      // lost our PartFailed's follow-up, so let a new job replace it.
      if (active_->Failed() && !active_->phase_running) {
        DropActiveLocked(absl::StrCat("replaced by job ", part.job_id()));
      } else {
        busy_with = active_->id;
      }
    }
  }
  if (!busy_with.empty()) {
    spdlog::warn("job {}: refused, busy with job {}", part.job_id(), busy_with);
    SendFailed(part.job_id(), absl::StrCat("agent busy with job ", busy_with), fta::v1::PHASE_UNSPECIFIED, 0);
    return;
  }
  if (part.job_id().empty()) {
    SendFailed(part.job_id(), "job part without job_id", fta::v1::PHASE_UNSPECIFIED, 0);
    return;
  }
  absl::StatusOr<PartPlan> plan = PlanFromJobPart(part);
  if (!plan.ok()) {
    spdlog::warn("job {}: part rejected: {}", part.job_id(), std::string(plan.status().message()));
    SendFailed(part.job_id(), std::string(plan.status().message()), fta::v1::PHASE_UNSPECIFIED, 0);
    return;
  }
  if (plan->engine == fta::v1::ENGINE_IOR) {
    SendFailed(part.job_id(),
               "params.engine: ior runs under fta-hostd's mpirun (ExecStart), not as a job part; "
               "is fta-hostd older than this agent?",
               fta::v1::PHASE_UNSPECIFIED, 0);
    return;
  }
  const EngineFactory& factory = engine_factory_;
  auto job = std::make_shared<Job>();
  job->id = part.job_id();
  job->plan = *std::move(plan);
  for (int rank : job->plan.ranks) {
    job->engines.push_back(factory(job->plan.params, rank, job->plan.total_ranks, job->plan.signature));
  }
  {
    absl::MutexLock lock(&mu_);
    active_ = job;
  }
  spdlog::info("job {}: ready, {} rank(s) of {}, -t {} -b {} -s {} in {}", job->id, job->plan.ranks.size(),
               job->plan.total_ranks, job->plan.params.transfer_size, job->plan.params.block_size,
               job->plan.params.segments, job->plan.params.directory);
  v1::AgentMessage ready;
  ready.mutable_ready()->set_job_id(job->id);
  sink_(ready);
}

void JobRunner::OnGo(const v1::Go& go) {
  std::shared_ptr<Job> job = FindActive(go.job_id(), "go");
  if (job == nullptr) return;
  std::string refusal;
  if (!IsRunnablePhase(go.phase())) {
    refusal = absl::StrCat("cannot run phase ", fta::v1::Phase_Name(go.phase()));
  } else if (job->Failed()) {
    return;  // its PartFailed is already out; the host will cancel it
  } else if (job->phase_running.exchange(true)) {
    refusal = absl::StrCat("go for ", fta::v1::Phase_Name(go.phase()), " iteration ", go.iteration(),
                           " while a phase is still running");
  }
  if (!refusal.empty()) {
    spdlog::warn("job {}: {}", job->id, refusal);
    job->abort = true;
    absl::MutexLock gate(&job->gate_mu);
    if (job->dropped || job->failed) return;
    job->failed = true;
    sink_(FailedMessage(job->id, refusal, go.phase(), go.iteration()));
    return;
  }
  const int64_t received_ns = clock_->NowUnixNanos();
  auto exited = std::make_shared<std::atomic<bool>>(false);
  absl::MutexLock lock(&mu_);
  workers_.push_back(Worker{std::thread([this, job, go, received_ns, exited] {
                              RunGo(job, go, received_ns);
                              exited->store(true);
                            }),
                            exited});
}

void JobRunner::OnCancel(const v1::Cancel& cancel) {
  absl::MutexLock lock(&mu_);
  if (active_ == nullptr || active_->id != cancel.job_id()) {
    spdlog::debug("cancel for unknown job {} ignored", cancel.job_id());
    return;
  }
  DropActiveLocked(absl::StrCat("cancelled by host: ", cancel.reason()));
}

void JobRunner::OnFinish(const v1::Finish& finish) {
  absl::MutexLock lock(&mu_);
  if (active_ == nullptr || active_->id != finish.job_id()) {
    spdlog::debug("finish for unknown job {} ignored", finish.job_id());
    return;
  }
  DropActiveLocked("finished");
}

void JobRunner::OnSyncRelease(const v1::SyncRelease& release) {
  std::shared_ptr<Job> job = FindActive(release.job_id(), "sync release");
  if (job == nullptr) return;
  std::shared_ptr<AgentPhaseSync> sync;
  {
    absl::MutexLock lock(&job->sync_mu);
    if (job->sync_iteration == release.iteration() && job->sync_phase == release.phase()) sync = job->sync;
  }
  if (sync == nullptr) {
    spdlog::debug("job {}: stale sync release for {} iteration {} ignored", job->id,
                  fta::v1::Phase_Name(release.phase()), release.iteration());
    return;
  }
  sync->Release(release.point(), static_cast<uint64_t>(std::max<int64_t>(release.transfers(), 0)),
                release.release_at_unix_ns());
}

void JobRunner::DropAll(absl::string_view reason) {
  absl::MutexLock lock(&mu_);
  DropActiveLocked(reason);
}

void JobRunner::JoinAll() {
  std::vector<Worker> workers;
  {
    absl::MutexLock lock(&mu_);
    workers.swap(workers_);
  }
  for (Worker& w : workers) w.thread.join();
}

std::shared_ptr<JobRunner::Job> JobRunner::FindActive(const std::string& job_id, const char* what) {
  absl::MutexLock lock(&mu_);
  if (active_ == nullptr || active_->id != job_id) {
    spdlog::debug("{} for unknown job {} ignored", what, job_id);
    return nullptr;
  }
  return active_;
}

void JobRunner::DropActiveLocked(absl::string_view reason) {
  if (active_ == nullptr) return;
  std::shared_ptr<Job> job = std::move(active_);
  active_ = nullptr;
  job->abort = true;
  {
    absl::MutexLock gate(&job->gate_mu);
    job->dropped = true;  // ranks waiting for the start see `abort` within StartGate::kAbortSlice
  }
  spdlog::info("job {}: dropped ({})", job->id, std::string(reason));
  // The worker (if any) holds its own reference and winds down on its own;
  // ReapLocked/JoinAll collect the thread.
}

void JobRunner::ReapLocked() {
  auto done = [](Worker& w) {
    if (!w.exited->load()) return false;
    w.thread.join();  // the thread has returned from its body: immediate
    return true;
  };
  workers_.erase(std::remove_if(workers_.begin(), workers_.end(), done), workers_.end());
}

void JobRunner::RunGo(const std::shared_ptr<Job>& job, const v1::Go& go, int64_t received_ns) {
  // The ranks start now and park at the common start time (the cross-agent
  // barrier) once their untimed preparation is done; see start_gate.h.
  StartGate start(clock_, go.start_at_unix_ns(), &job->abort);
  spdlog::info("job {}: {} iteration {} due in {:.3f} ms", job->id, fta::v1::Phase_Name(go.phase()),
               go.iteration(), static_cast<double>(go.start_at_unix_ns() - received_ns) / 1e6);

  auto sync = std::make_shared<AgentPhaseSync>(
      static_cast<int>(job->engines.size()),
      [this, job, go](v1::SyncPoint point, uint64_t transfers) {
        v1::AgentMessage message;
        v1::SyncArrive* arrive = message.mutable_sync_arrive();
        arrive->set_job_id(job->id);
        arrive->set_iteration(go.iteration());
        arrive->set_phase(go.phase());
        arrive->set_point(point);
        arrive->set_transfers(static_cast<int64_t>(transfers));
        SendForJob(*job, message);
      },
      &job->abort, clock_);
  {
    absl::MutexLock lock(&job->sync_mu);
    job->sync = sync;
    job->sync_iteration = go.iteration();
    job->sync_phase = go.phase();
  }
  const ior::PhaseHooks hooks{sync.get(), static_cast<uint64_t>(std::max<int64_t>(go.max_transfers(), 0)),
                              [&start] { return start.Wait(); }};
  std::vector<RankEngine*> engines;
  for (auto& e : job->engines) {
    e->PreparePhase(hooks);
    engines.push_back(e.get());
  }
  // Reports of a phase that ends right after the start wait a little: on a
  // small host the ranks of many agents wake at the start together, and
  // this agent's supervisor and messages take CPU from ranks not yet opened.
  // The wait grows with the job's ranks, not only with the lead: when the
  // first reports came while ranks were still waking, they made the start
  // spread wider, the next lead longer and... (64 FTAs on 2 cores: skew p50
  // 11.6 -> 15.6 -> 20.8 ms over three runs with a quarter of the lead, 6.5,
  // 4.2, 4.0 with a fixed 30 ms; this rule gives 32 ms there). Long phases
  // report later anyway.
  const int64_t lead_ns = std::max<int64_t>(0, go.start_at_unix_ns() - received_ns);
  const int64_t settled_ns = go.start_at_unix_ns() + SettleAfterStartNs(lead_ns, job->plan.total_ranks);
  SampleBatcher batcher(job->id, go.iteration(), go.phase(),
                        SampleBatcher::WindowFor(job->plan.sample_batch, job->plan.sample_interval),
                        [&](const v1::AgentMessage& message) { SendForJob(*job, message); });
  std::vector<absl::StatusOr<ior::PhaseMeasurement>> results =
      RunPhase(engines, go.phase(), &job->abort, job->plan.sample_interval, *clock_,
               [&](const SampleDelta& d) { batcher.Add(d); }, [&start] { return start.Wait(); }, settled_ns);
  batcher.Flush();  // the phase's last counts, ahead of its result

  if (const absl::Status* error = FirstError(results)) {
    job->phase_running = false;
    absl::MutexLock gate(&job->gate_mu);
    if (job->dropped || job->failed) return;
    job->failed = true;
    spdlog::error("job {}: {} iteration {} failed: {}", job->id, fta::v1::Phase_Name(go.phase()), go.iteration(),
                  std::string(error->message()));
    sink_(FailedMessage(job->id, std::string(error->message()), go.phase(), go.iteration()));
    return;
  }

  v1::AgentMessage message;
  v1::PhaseDone* done = message.mutable_phase_done();
  done->set_job_id(job->id);
  done->set_go_received_unix_ns(received_ns);
  done->set_ranks_parked_unix_ns(start.last_parked_unix_ns());
  uint64_t total_bytes = 0;
  for (size_t i = 0; i < results.size(); ++i) {
    const ior::PhaseMeasurement& m = *results[i];
    fta::v1::RankPhaseResult* r = done->add_ranks();
    SetMeasurement(m, r);
    r->set_fta_id(fta_id_);
    r->set_rank(job->plan.ranks[i]);
    r->set_iteration(go.iteration());
    r->set_phase(go.phase());
    r->set_timestamp_source(job->engines[i]->timestamp_source());
    r->set_ior_bandwidth_mib(job->engines[i]->reported_bandwidth_mib());
    total_bytes += m.bytes;
  }
  spdlog::info("job {}: {} iteration {} done, {} bytes", job->id, fta::v1::Phase_Name(go.phase()), go.iteration(),
               total_bytes);
  job->phase_running = false;
  SendForJob(*job, message);
}

void JobRunner::SendForJob(Job& job, const v1::AgentMessage& message) {
  absl::MutexLock gate(&job.gate_mu);
  if (job.dropped || job.failed) return;
  sink_(message);
}

void JobRunner::SendFailed(const std::string& job_id, const std::string& text, fta::v1::Phase phase, int iteration) {
  sink_(FailedMessage(job_id, text, phase, iteration));
}

}  // namespace fta::agent
