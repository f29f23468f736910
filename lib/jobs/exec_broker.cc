#include "lib/jobs/exec_broker.h"

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "lib/core/session_process.h"
#include "lib/jobs/mpi_command.h"
#include "spdlog/spdlog.h"

namespace fta::hostd {

using fta::agent::v1::AgentMessage;
using fta::agent::v1::RelayExecEvent;
using fta::agent::v1::RelayExecRequest;

void ExecBroker::OpenJob(const std::string& job_id, const std::string& token, std::set<std::string> fta_ids,
                         int sample_interval_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  jobs_[job_id] = JobEntry{token, std::move(fta_ids), sample_interval_ms};
}

void ExecBroker::EndExecs(const std::function<bool(const RunningExec&)>& match, const absl::Status& status) {
  std::vector<std::shared_ptr<ExecQueue>> ended;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [id, exec] : execs_) {
      if (match(exec)) ended.push_back(exec.queue);
    }
  }
  for (auto& queue : ended) queue->Push(ExecEvent{std::nullopt, status});
}

void ExecBroker::CloseJob(const std::string& job_id, const std::string& reason) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    jobs_.erase(job_id);
  }
  EndExecs([&](const RunningExec& exec) { return exec.job_id == job_id; },
           absl::AbortedError(absl::StrCat(job_id, " ended: ", reason)));
}

void ExecBroker::KillSessions(const std::string& job_id, const std::set<std::string>& ftas) {
  std::vector<std::pair<std::string, pid_t>> sessions;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [id, exec] : execs_) {
      if (exec.job_id == job_id && ftas.count(exec.fta_id) > 0 && exec.pid > 1) {
        sessions.emplace_back(exec.fta_id, static_cast<pid_t>(exec.pid));
      }
    }
  }
  for (const auto& [fta_id, sid] : sessions) {
    spdlog::info("{}: ending {}'s orted session {}", job_id, fta_id, sid);
    KillSession(sid);
  }
}

void ExecBroker::FtaLost(const std::string& job_id, const std::string& fta_id, const std::string& reason,
                         bool on_this_host) {
  if (on_this_host) KillSessions(job_id, {fta_id});
  EndExecs([&](const RunningExec& exec) { return exec.job_id == job_id && exec.fta_id == fta_id; },
           absl::UnavailableError(absl::StrCat(fta_id, " lost: ", reason)));
}

void ExecBroker::Deliver(const std::string& fta_id, const AgentMessage& message) {
  const std::string& exec_id = message.has_exec_output()    ? message.exec_output().exec_id()
                               : message.has_exec_exited()  ? message.exec_exited().exec_id()
                               : message.has_exec_started() ? message.exec_started().exec_id()
                                                            : "";
  std::shared_ptr<ExecQueue> queue;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = execs_.find(exec_id);
    if (it == execs_.end() || it->second.fta_id != fta_id) return;
    if (message.has_exec_started()) {
      it->second.pid = message.exec_started().pid();
      return;
    }
    queue = it->second.queue;
  }
  queue->Push(ExecEvent{message, absl::OkStatus()});
}

absl::StatusOr<std::shared_ptr<ExecBroker::ExecQueue>> ExecBroker::Register(const RelayExecRequest& request,
                                                                            const std::string& exec_id,
                                                                            int* sample_interval_ms) {
  std::lock_guard<std::mutex> lock(mu_);
  auto job = jobs_.find(request.job_id());
  if (job == jobs_.end() || request.token().empty() || job->second.token != request.token()) {
    return absl::PermissionDeniedError(
        absl::StrCat("job_id: ", request.job_id(), " is no running engine-ior job with this token"));
  }
  if (job->second.fta_ids.count(request.fta_id()) == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("fta_id: ", request.fta_id(), " is not one of ", request.job_id(), "'s FTAs"));
  }
  *sample_interval_ms = job->second.sample_interval_ms;
  auto queue = std::make_shared<ExecQueue>(clock_);
  execs_[exec_id] = RunningExec{request.job_id(), request.fta_id(), queue};
  return queue;
}

absl::Status ExecBroker::Pump(ExecQueue& queue, const std::function<bool(const RelayExecEvent&)>& write,
                              const std::function<bool()>& cancelled) {
  for (;;) {
    std::optional<ExecEvent> event = queue.PopFor(absl::Milliseconds(200));
    if (cancelled()) return absl::CancelledError("the relay went away (mpirun stopped it)");
    if (!event) continue;
    if (!event->message) return event->ended;
    RelayExecEvent out;
    if (event->message->has_exec_output()) {
      const fta::agent::v1::ExecOutput& output = event->message->exec_output();
      *(output.is_stderr() ? out.mutable_stderr_data() : out.mutable_stdout_data()) = output.data();
      if (!write(out)) return absl::CancelledError("the relay went away");
      continue;
    }
    const fta::agent::v1::ExecExited& exited = event->message->exec_exited();
    if (!exited.error().empty()) *out.mutable_stderr_data() = absl::StrCat("fta-agent: ", exited.error(), "\n");
    out.set_exited(true);
    out.set_exit_code(exited.exit_code());
    write(out);
    return absl::OkStatus();
  }
}

absl::Status ExecBroker::Exec(const RelayExecRequest& request, const std::function<bool(const RelayExecEvent&)>& write,
                              const std::function<bool()>& cancelled) {
  absl::StatusOr<std::vector<std::string>> argv =
      OrtedArgv(std::vector<std::string>(request.argv().begin(), request.argv().end()));
  if (!argv.ok()) return argv.status();
  std::string exec_id;
  {
    std::lock_guard<std::mutex> lock(mu_);
    exec_id = absl::StrCat(request.job_id(), "/exec-", ++next_exec_);
  }
  int sample_interval_ms = 0;
  absl::StatusOr<std::shared_ptr<ExecQueue>> queue = Register(request, exec_id, &sample_interval_ms);
  if (!queue.ok()) return queue.status();
  std::shared_ptr<AgentConnection> connection = links_->Find(request.fta_id());
  absl::Status outcome = absl::OkStatus();
  if (!connection) {
    outcome = absl::UnavailableError(absl::StrCat(request.fta_id(), ": agent not connected"));
  } else {
    fta::agent::v1::HostMessage start;
    fta::agent::v1::ExecStart* body = start.mutable_exec_start();
    body->set_job_id(request.job_id());
    body->set_exec_id(exec_id);
    for (const std::string& arg : *argv) body->add_argv(arg);
    body->set_sample_interval_ms(sample_interval_ms);
    connection->Send(start);
    spdlog::info("{}: {} runs {} for mpirun", request.job_id(), request.fta_id(), (*argv)[0]);
    outcome = Pump(**queue, write, cancelled);
    if (!outcome.ok()) {
      fta::agent::v1::HostMessage kill;
      kill.mutable_exec_kill()->set_job_id(request.job_id());
      kill.mutable_exec_kill()->set_exec_id(exec_id);
      connection->Send(kill);
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  execs_.erase(exec_id);
  return outcome;
}

}  // namespace fta::hostd
