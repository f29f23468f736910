#include "lib/agent/exec_runner.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <utility>
#include <map>
#include <optional>

#include "absl/strings/str_cat.h"
#include "lib/agent/ior_runner.h"
#include "lib/core/session_process.h"
#include "spdlog/spdlog.h"

namespace fta::agent {
namespace {

constexpr int kDefaultPollMs = 200;

// What the session's processes other than its leader moved since the last
// look: the IOR ranks under orted. A process seen for the first time counts
// from what it had then (its loader's reads are not IOR's).
class SessionSampler {
 public:
  SessionSampler(const Clock* clock, const v1::ExecStart& start) : clock_(clock), start_(start) {
    last_ns_ = clock_->NowUnixNanos();
  }

  // A sample of the interval since the last call, or nothing moved.
  std::optional<v1::AgentMessage> Sample(pid_t leader) {
    int64_t read = 0, written = 0;
    for (pid_t pid : SessionMembers(leader)) {
      if (pid == leader) continue;
      absl::StatusOr<ProcessIo> io = ReadProcessIo(pid);
      if (!io.ok()) continue;
      auto [it, first] = seen_.try_emplace(pid, *io);
      if (first) continue;
      read += io->read_bytes - it->second.read_bytes;
      written += io->written_bytes - it->second.written_bytes;
      it->second = *io;
    }
    const int64_t now = clock_->NowUnixNanos();
    const int64_t start_ns = std::exchange(last_ns_, now);
    if (read <= 0 && written <= 0) return std::nullopt;
    v1::AgentMessage message;
    v1::ThroughputSample* sample = message.mutable_sample();
    sample->set_job_id(start_.job_id());
    sample->set_phase(written >= read ? fta::v1::PHASE_WRITE : fta::v1::PHASE_READ);
    sample->set_interval_start_ns(start_ns);
    sample->set_interval_end_ns(now);
    sample->set_bytes(std::max(read, written));
    return message;
  }

 private:
  const Clock* clock_;
  const v1::ExecStart& start_;
  int64_t last_ns_;
  std::map<pid_t, ProcessIo> seen_;
};

v1::AgentMessage Output(const v1::ExecStart& start, bool is_stderr, const char* data, size_t size) {
  v1::AgentMessage message;
  v1::ExecOutput* output = message.mutable_exec_output();
  output->set_job_id(start.job_id());
  output->set_exec_id(start.exec_id());
  output->set_is_stderr(is_stderr);
  output->set_data(std::string(data, size));
  return message;
}

v1::AgentMessage Exited(const v1::ExecStart& start, int exit_code, const std::string& error) {
  v1::AgentMessage message;
  v1::ExecExited* exited = message.mutable_exec_exited();
  exited->set_job_id(start.job_id());
  exited->set_exec_id(start.exec_id());
  exited->set_exit_code(exit_code);
  exited->set_error(error);
  return message;
}

// Reads what is there; false at end of file (or error): stop polling it.
bool Forward(int fd, bool is_stderr, const v1::ExecStart& start, const MessageSink& sink) {
  char buffer[16384];
  ssize_t n = read(fd, buffer, sizeof(buffer));
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return true;
  if (n <= 0) return false;
  sink(Output(start, is_stderr, buffer, static_cast<size_t>(n)));
  return true;
}

std::string MakePrivateTmp() {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = absl::StrCat(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp", "/fta-exec-XXXXXX");
  return mkdtemp(pattern.data()) != nullptr ? pattern : "";
}

}  // namespace

ExecRunner::ExecRunner(const Clock* clock, MessageSink sink) : clock_(clock), sink_(std::move(sink)) {}

ExecRunner::~ExecRunner() {
  KillAll();
  JoinAll();
}

void ExecRunner::Start(const v1::ExecStart& start) {
  absl::MutexLock lock(&mu_);
  ReapLocked();
  if (start.exec_id().empty() || start.argv_size() == 0 || execs_.count(start.exec_id()) > 0) {
    sink_(Exited(start, 127, start.argv_size() == 0 ? "argv: empty" : "exec_id: empty or already running"));
    return;
  }
  auto exec = std::make_unique<Exec>();
  exec->start = start;
  Exec* raw = exec.get();
  execs_[start.exec_id()] = std::move(exec);
  raw->thread = std::thread([this, raw] { Run(raw); });
}

void ExecRunner::KillLocked(Exec* exec) {
  exec->killed = true;
  pid_t pid = exec->pid.load();
  if (pid > 0 && !exec->finished) KillSession(pid);
}

void ExecRunner::Kill(const std::string& exec_id) {
  absl::MutexLock lock(&mu_);
  auto it = execs_.find(exec_id);
  if (it != execs_.end()) KillLocked(it->second.get());
}

void ExecRunner::KillJob(const std::string& job_id) {
  absl::MutexLock lock(&mu_);
  for (auto& [id, exec] : execs_) {
    if (exec->start.job_id() == job_id) KillLocked(exec.get());
  }
}

void ExecRunner::KillAll() {
  absl::MutexLock lock(&mu_);
  for (auto& [id, exec] : execs_) KillLocked(exec.get());
}

void ExecRunner::ReapLocked() {
  for (auto it = execs_.begin(); it != execs_.end();) {
    if (it->second->finished) {
      it->second->thread.join();
      it = execs_.erase(it);
    } else {
      ++it;
    }
  }
}

void ExecRunner::JoinAll() {
  std::map<std::string, std::unique_ptr<Exec>> all;
  {
    absl::MutexLock lock(&mu_);
    all.swap(execs_);
  }
  for (auto& [id, exec] : all) exec->thread.join();
}

void ExecRunner::Run(Exec* exec) {
  const v1::ExecStart& start = exec->start;
  int out[2], err[2];
  if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) {
    sink_(Exited(start, 127, absl::StrCat("pipe: ", std::strerror(errno))));
    exec->finished = true;
    return;
  }
  const std::string tmp = MakePrivateTmp();
  SessionCommand command{{start.argv().begin(), start.argv().end()}, {start.env().begin(), start.env().end()},
                         out[1], err[1], /*die_with_parent=*/true};
  if (!tmp.empty()) command.env.push_back("TMPDIR=" + tmp);
  absl::StatusOr<pid_t> pid = SpawnSession(command);
  close(out[1]);
  close(err[1]);
  if (pid.ok()) {
    exec->pid = *pid;
    spdlog::info("{}: started {} (pid {})", start.job_id(), start.argv(0), *pid);
    v1::AgentMessage started;
    started.mutable_exec_started()->set_job_id(start.job_id());
    started.mutable_exec_started()->set_exec_id(start.exec_id());
    started.mutable_exec_started()->set_pid(*pid);
    sink_(started);
    if (exec->killed) KillSession(*pid);  // a kill that came before the pid
  }
  int exit_code = 127;
  if (pid.ok()) {
    SessionSampler sampler(clock_, start);
    const int poll_ms = start.sample_interval_ms() > 0 ? start.sample_interval_ms() : kDefaultPollMs;
    pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
    for (;;) {
      int ready = poll(fds, 2, poll_ms);
      for (int i = 0; i < 2 && ready > 0; ++i) {
        if (fds[i].revents != 0 && !Forward(fds[i].fd, i == 1, start, sink_)) fds[i].fd = -1;
      }
      if (start.sample_interval_ms() > 0) {
        if (auto sample = sampler.Sample(*pid)) sink_(*sample);
      }
      exit_code = ExitCodeIfExited(*pid);
      if (exit_code >= 0) break;
    }
    KillSession(*pid);  // whatever orted left behind
    for (int i = 0; i < 2; ++i) {
      while (fds[i].fd >= 0 && Forward(fds[i].fd, i == 1, start, sink_)) {
      }
    }
  }
  close(out[0]);
  close(err[0]);
  if (!tmp.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(tmp, ignored);
  }
  if (exec->killed && exit_code < 128) exit_code = 128 + 9;
  sink_(Exited(start, exit_code, pid.ok() ? "" : std::string(pid.status().message())));
  spdlog::info("{}: {} ended with exit code {}", start.job_id(), start.argv(0), exit_code);
  exec->finished = true;
}

}  // namespace fta::agent
