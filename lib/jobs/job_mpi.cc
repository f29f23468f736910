// JobCoordinator, engine ior: one mpirun across the job's FTAs, OpenMPI's
// launcher relayed through the agents (exec_broker.h), IOR's own result
// imported (ior_import.h). The agents' READY/GO protocol is not used: IOR's
// barriers synchronise its ranks.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "lib/core/file_text.h"
#include "lib/core/session_process.h"
#include "lib/core/status_macros.h"
#include "lib/jobs/ior_import.h"
#include "lib/jobs/job_coordinator.h"
#include "lib/jobs/job_results.h"
#include "lib/jobs/mpi_command.h"
#include "spdlog/spdlog.h"

namespace fta::hostd {
namespace {

using fta::v1::JobEvent;
using fta::v1::Phase;

std::string Tail(const std::string& text, size_t max) {
  std::string trimmed(absl::StripTrailingAsciiWhitespace(text));
  return trimmed.size() <= max ? trimmed : absl::StrCat("...", trimmed.substr(trimmed.size() - max));
}

absl::StatusOr<std::string> RandomToken() {
  std::ifstream random("/dev/urandom", std::ios::binary);
  std::string bytes(16, '\0');
  if (!random.read(bytes.data(), static_cast<std::streamsize>(bytes.size()))) {
    return absl::UnavailableError("engine ior: cannot read /dev/urandom for the relay token");
  }
  return absl::BytesToHexString(bytes);
}

}  // namespace

// The live line from the agents' samples of their ranks: the phase is
// whichever of read/write moved; a write after a read starts the next
// iteration.
struct JobCoordinator::MpiProgress {
  int iteration = 0;
  Phase phase = fta::v1::PHASE_UNSPECIFIED;
  int64_t bytes = 0;
  int64_t bytes_at_last = 0;
  absl::Time last;
};

void JobCoordinator::OnMpiSample(RunningJob* job, MpiProgress& progress,
                                 const fta::agent::v1::ThroughputSample& sample) {
  if (sample.phase() != progress.phase) {
    if (progress.phase == fta::v1::PHASE_READ && sample.phase() == fta::v1::PHASE_WRITE) ++progress.iteration;
    progress.phase = sample.phase();
    progress.bytes = progress.bytes_at_last = 0;
  }
  progress.bytes += sample.bytes();
  const absl::Time now = clock_->Now();
  if (now - progress.last < absl::Milliseconds(options_.sample_interval_ms)) return;
  const int64_t expected =
      static_cast<int64_t>(job->params.block_size * job->params.segments) * job->total_ranks;
  JobEvent event;
  fta::v1::Progress* p = event.mutable_progress();
  p->set_iteration(progress.iteration);
  p->set_phase(progress.phase);
  p->set_bytes_done(std::min(progress.bytes, expected));
  p->set_bytes_expected(expected);
  if (progress.last != absl::Time()) {
    p->set_current_mib(static_cast<double>(progress.bytes - progress.bytes_at_last) /
                       absl::ToDoubleSeconds(now - progress.last) / 1048576.0);
  }
  p->set_link_utilisation_pct(-1);
  progress.bytes_at_last = progress.bytes;
  progress.last = now;
  job->events.PublishLive(event, kMaxLiveBacklog);
}

std::string JobCoordinator::MpiProblem() const {
  if (options_.exec_broker == nullptr) return "this daemon has no MPI relay";
  if (options_.mpi.mpirun.empty() || access(options_.mpi.mpirun.c_str(), X_OK) != 0) {
    return "mpirun (OpenMPI, Debian package openmpi-bin) not found on this host";
  }
  if (options_.mpi.relay.empty() || access(options_.mpi.relay.c_str(), X_OK) != 0) {
    return absl::StrCat("the MPI relay fta-mpi-relay not found", options_.mpi.relay.empty() ? "" : " at ",
                        options_.mpi.relay);
  }
  return "";
}

std::set<std::string> JobCoordinator::LocalFtas(const RunningJob& job) {
  std::set<std::string> local;
  for (const AgentPlan& plan : job.agents) {
    absl::StatusOr<fta::v1::Fta> fta = fleet_->Get(plan.fta_id);
    if (fta.ok() && (fta->kind() == fta::v1::FTA_KIND_PROCESS || fta->kind() == fta::v1::FTA_KIND_NATIVE)) {
      local.insert(plan.fta_id);
    }
  }
  return local;
}

absl::StatusOr<int> JobCoordinator::WaitMpirun(RunningJob* job, pid_t mpirun) {
  MpiProgress progress;
  auto plan_of = [job](const std::string& id) -> AgentPlan* {
    for (AgentPlan& plan : job->agents) {
      if (plan.fta_id == id) return &plan;
    }
    return nullptr;
  };
  for (;;) {
    if (int code = ExitCodeIfExited(mpirun); code >= 0) return code;
    if (job->cancel_requested) return absl::CancelledError(job->cancel_reason);
    if (clock_->Now() > job->deadline) {
      for (AgentPlan& plan : job->agents) plan.state = fta::v1::JOB_AGENT_STATE_TIMEOUT;
      return absl::DeadlineExceededError("mpirun did not finish before the job's deadline");
    }
    std::optional<InboxEvent> event = job->inbox->Pop(clock_->Now() + absl::Milliseconds(100));
    if (!event) continue;
    AgentPlan* plan = plan_of(event->fta_id);
    if (plan == nullptr) continue;
    if (!event->message) {
      plan->state = fta::v1::JOB_AGENT_STATE_LOST;
      plan->error = event->lost_reason;
      options_.exec_broker->FtaLost(job->job.id(), event->fta_id, event->lost_reason,
                                    LocalFtas(*job).count(event->fta_id) > 0);
      return absl::UnavailableError(absl::StrCat(event->fta_id, " lost while IOR ran: ", event->lost_reason));
    }
    const fta::agent::v1::AgentMessage& message = *event->message;
    if (message.has_sample()) {
      OnMpiSample(job, progress, message.sample());
    } else {
      options_.exec_broker->Deliver(event->fta_id, message);
    }
  }
}

absl::Status JobCoordinator::DriveMpi(RunningJob* job) {
  const std::string& id = job->job.id();
  FTA_ASSIGN_OR_RETURN(fta::v1::Fta first, fleet_->Get(job->agents.front().fta_id));
  const std::string dir = absl::StrCat(options_.mpi_work_dir, "/", id);
  std::error_code error;
  std::filesystem::remove_all(dir, error);
  if (!std::filesystem::create_directories(dir, error)) {
    return absl::FailedPreconditionError(absl::StrCat("mpi work directory ", dir, ": ", error.message()));
  }
  if (options_.mpi_work_owner.has_value()) {
    const auto [uid, gid] = *options_.mpi_work_owner;
    if (chmod(options_.mpi_work_dir.c_str(), 0711) != 0 || chown(dir.c_str(), uid, gid) != 0 ||
        chmod(dir.c_str(), 0700) != 0) {
      return absl::FailedPreconditionError(absl::StrCat("mpi work directory ", dir,
                                                        ": cannot hand it to the agents' user (agents.run_as): ",
                                                        std::strerror(errno)));
    }
  }
  const MpiJobFiles files{dir + "/hostfile", dir + "/summary.json", dir + "/ranks.csv"};
  std::vector<std::pair<std::string, int>> ranks_by_fta;
  for (const AgentPlan& plan : job->agents) ranks_by_fta.emplace_back(plan.fta_id, plan.ranks.size());
  std::ofstream(files.hostfile) << Hostfile(ranks_by_fta);
  FTA_ASSIGN_OR_RETURN(std::vector<std::string> ior_args, IorMpiArgs(job->params, files));
  MpirunSettings settings = options_.mpi;
  settings.as_root = geteuid() == 0;
  std::vector<std::string> argv = MpirunArgv(settings, files, job->total_ranks, first.ior_path(), ior_args);
  job->job.set_ior_command_line(absl::StrJoin(argv, " "));
  FTA_ASSIGN_OR_RETURN(std::string token, RandomToken());
  std::set<std::string> ftas;
  for (const AgentPlan& plan : job->agents) ftas.insert(plan.fta_id);
  options_.exec_broker->OpenJob(id, token, ftas, options_.sample_interval_ms);

  int out_fd = open((dir + "/mpirun.out").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  int err_fd = open((dir + "/mpirun.err").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  std::vector<std::string> env = {"FTA_MPI_RELAY_TARGET=" + options_.mpi_relay_target, "FTA_MPI_RELAY_JOB=" + id,
                                  "FTA_MPI_RELAY_TOKEN=" + token};
  if (settings.as_root) env.insert(env.end(), {"OMPI_ALLOW_RUN_AS_ROOT=1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1"});
  absl::StatusOr<pid_t> mpirun = SpawnSession({argv, env, out_fd, err_fd, false});
  close(out_fd);
  close(err_fd);
  absl::StatusOr<int> exit_code = 127;
  if (!mpirun.ok()) {
    exit_code = mpirun.status();
  } else {
    spdlog::info("{}: mpirun (pid {}): {}", id, *mpirun, job->job.ior_command_line());
    exit_code = WaitMpirun(job, *mpirun);
    if (!exit_code.ok() || *exit_code != 0) options_.exec_broker->KillSessions(id, LocalFtas(*job));
    KillSession(*mpirun);  // mpirun and every relay it started
    ExitCodeIfExited(*mpirun);
  }
  options_.exec_broker->CloseJob(id, exit_code.ok() ? "mpirun exited" : std::string(exit_code.status().message()));
  if (!exit_code.ok()) return exit_code.status();
  if (*exit_code != 0) {
    std::string quote = absl::StrCat("mpirun exited with status ", *exit_code);
    for (const char* name : {"/mpirun.err", "/mpirun.out"}) {
      std::string text = Tail(ReadFileOrEmpty(dir + name), 1500);
      if (!text.empty()) absl::StrAppend(&quote, "; ", name + 1, ": ", text);
    }
    for (AgentPlan& plan : job->agents) plan.state = fta::v1::JOB_AGENT_STATE_FAILED;
    return absl::AbortedError(quote);
  }
  return ImportMpiResult(job, files);  // the directory stays: IOR's own files
}

absl::Status JobCoordinator::ImportMpiResult(RunningJob* job, const MpiJobFiles& files) {
  const std::string summary = ReadFileOrEmpty(files.summary_json);
  const std::string ranks = ReadFileOrEmpty(files.rank_csv);  // empty when rank 0 ran in a guest
  absl::StatusOr<std::vector<fta::v1::Job>> imported =
      JobsFromIorOutput({summary, "IOR's JSON summary", ranks, "IOR's per-rank CSV"}, clock_->NowUnixMillis());
  if (!imported.ok() && !ranks.empty()) {
    spdlog::warn("{}: {}; importing without per-rank rows", job->job.id(), std::string(imported.status().message()));
    imported = JobsFromIorOutput({summary, "IOR's JSON summary", "", ""}, clock_->NowUnixMillis());
  }
  if (!imported.ok()) return absl::AbortedError(absl::StrCat("IOR's result: ", imported.status().message()));
  if (imported->empty()) return absl::AbortedError("IOR's result holds no test");
  fta::v1::Job& result = imported->front();
  job->job.set_ior_version(result.ior_version());
  job->job.set_timestamp_source("ior-reported");
  std::vector<fta::v1::RankPhaseResult> rank_results(result.rank_results().begin(), result.rank_results().end());
  for (fta::v1::RankPhaseResult& rank : rank_results) {
    for (const AgentPlan& plan : job->agents) {
      if (std::count(plan.ranks.begin(), plan.ranks.end(), rank.rank()) > 0) rank.set_fta_id(plan.fta_id);
    }
    *job->job.add_rank_results() = rank;
  }
  FTA_RETURN_IF_ERROR(store_->AddRankResults(job->job.id(), rank_results));
  for (fta::v1::PhaseAggregate aggregate : result.aggregates()) {
    if (options_.available_memory_bytes) {
      aggregate.set_cache_note(
          CacheNote(aggregate, job->params, job->total_ranks, options_.available_memory_bytes()));
    }
    FTA_RETURN_IF_ERROR(store_->AddAggregate(job->job.id(), aggregate));
    *job->job.add_aggregates() = aggregate;
    JobEvent event;
    *event.mutable_phase_finished() = aggregate;
    job->events.Publish(event);
  }
  job->job.mutable_summaries()->CopyFrom(result.summaries());
  job->summaries_from_ior = true;
  return absl::OkStatus();
}

}  // namespace fta::hostd
