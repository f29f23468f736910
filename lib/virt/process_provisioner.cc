#include "lib/virt/process_provisioner.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "lib/core/file_text.h"
#include "lib/core/status_macros.h"
#include "spdlog/spdlog.h"

namespace fta::virt {
namespace {

std::string ErrnoText(int error) { return std::strerror(error); }

// /proc/<pid>/cmdline split at NULs; empty when the process is gone.
std::vector<std::string> ReadCmdline(int64_t pid) {
  std::string raw = ReadFileOrEmpty(absl::StrCat("/proc/", pid, "/cmdline"));
  std::vector<std::string> args;
  if (raw.empty()) return args;
  for (absl::string_view part : absl::StrSplit(raw, '\0')) args.emplace_back(part);
  return args;
}

// A pid can be reused once the old process is gone; only adopt a process
// that is really the fta-agent of this FTA.
bool IsAgentFor(int64_t pid, const std::string& fta_id) {
  std::vector<std::string> args = ReadCmdline(pid);
  // argv[0] is the agent, or an interpreter followed by the agent's path.
  bool named_agent = false;
  for (size_t i = 0; i < args.size() && i < 2; ++i) {
    named_agent |= args[i].find("fta-agent") != std::string::npos;
  }
  if (!named_agent) return false;
  for (size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == "--id" && args[i + 1] == fta_id) return true;
  }
  return false;
}

}  // namespace

absl::StatusOr<int> OpenPidFd(int64_t pid) {
  int fd = static_cast<int>(syscall(SYS_pidfd_open, static_cast<pid_t>(pid), 0));
  if (fd < 0) {
    int error = errno;
    if (error == ESRCH) return absl::NotFoundError(absl::StrCat("process ", pid, " does not exist"));
    return absl::InternalError(absl::StrCat("pidfd_open(", pid, "): ", ErrnoText(error)));
  }
  return fd;
}

absl::StatusOr<std::unique_ptr<ProcessProvisioner>> ProcessProvisioner::Create(
    ProcessProvisionerOptions options) {
  if (access(options.agent_binary.c_str(), X_OK) != 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "provisioner.agent_binary: ", options.agent_binary, " is not executable: ", ErrnoText(errno)));
  }
  int wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake_fd < 0) return absl::InternalError(absl::StrCat("eventfd: ", ErrnoText(errno)));
  auto provisioner =
      std::unique_ptr<ProcessProvisioner>(new ProcessProvisioner(std::move(options), wake_fd));
  provisioner->watcher_ = std::thread([p = provisioner.get()] { p->WatchLoop(); });
  return provisioner;
}

ProcessProvisioner::ProcessProvisioner(ProcessProvisionerOptions options, int wake_fd)
    : options_(std::move(options)), wake_fd_(wake_fd) {}

ProcessProvisioner::~ProcessProvisioner() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    shutting_down_ = true;
  }
  Wake();
  if (watcher_.joinable()) watcher_.join();
  // FTAs outlive the daemon on purpose (a restart adopts them); only the
  // watch handles are closed here.
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [id, watched] : watched_) close(watched.pidfd);
  close(wake_fd_);
}

void ProcessProvisioner::Wake() {
  uint64_t one = 1;
  ssize_t ignored = write(wake_fd_, &one, sizeof(one));
  (void)ignored;
}

namespace {

// How the agent finds its FTA's credentials: a path, never the secret
// itself (the command line is world-readable). An agent that runs as
// another user cannot read root's credentials directory: on a unix socket it
// needs only the token, handed over as an inherited memfd; over TCP (mTLS)
// the FTA's own directory and files are given to that user.
absl::Status AddCredentialArgs(const FtaLaunchSpec& spec, const std::optional<RunAs>& run_as,
                               std::vector<std::string>* args, AgentSpawn* spawn) {
  if (spec.credentials_dir.empty()) return absl::OkStatus();
  const bool unix_endpoint = absl::StartsWith(spec.agent_endpoint, "unix:");
  const bool other_user = run_as && run_as->uid != geteuid();
  if (other_user && unix_endpoint) {
    absl::StatusOr<std::string> token = ReadFileText(spec.credentials_dir + "/token");
    if (!token.ok()) {
      return absl::FailedPreconditionError(absl::StrCat(spec.fta_id, ": cannot read its token in ", spec.credentials_dir));
    }
    spawn->secret = *token;
    args->insert(args->end(), {"--token", kSecretPath});
    return absl::OkStatus();
  }
  if (other_user) {
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator(spec.credentials_dir, error)) {
      if (chown(entry.path().c_str(), run_as->uid, run_as->gid) != 0) error.assign(errno, std::generic_category());
    }
    if (!error && chown(spec.credentials_dir.c_str(), run_as->uid, run_as->gid) != 0) {
      error.assign(errno, std::generic_category());
    }
    if (error) {
      return absl::FailedPreconditionError(
          absl::StrCat(spec.fta_id, ": cannot give ", spec.credentials_dir, " to agents.run_as: ", error.message()));
    }
  }
  args->insert(args->end(), {"--credentials", spec.credentials_dir});
  // Plaintext TCP is the daemon's explicit choice (agents.insecure_tcp): then
  // it issued no certificate, and the agent must be told it may dial without
  // TLS.
  if (!unix_endpoint && access((spec.credentials_dir + "/cert.pem").c_str(), F_OK) != 0) {
    args->push_back("--insecure-tcp");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<FtaInstance> ProcessProvisioner::Start(const FtaLaunchSpec& spec) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (watched_.count(spec.fta_id) > 0) {
      return absl::AlreadyExistsError(absl::StrCat(spec.fta_id, " is already running"));
    }
  }
  std::vector<std::string> args = {options_.agent_binary, "--connect", spec.agent_endpoint, "--id",
                                   spec.fta_id};
  AgentSpawn spawn;
  spawn.binary = options_.agent_binary;
  spawn.run_as = options_.run_as;
  FTA_RETURN_IF_ERROR(AddCredentialArgs(spec, options_.run_as, &args, &spawn));
  args.insert(args.end(), options_.extra_args.begin(), options_.extra_args.end());
  spawn.argv = args;
  std::string log_path = absl::StrCat(options_.log_dir, "/", spec.fta_id, ".log");
  spawn.log_path = log_path;
  absl::StatusOr<pid_t> spawned = SpawnAgent(spawn);
  if (!spawned.ok()) {
    return absl::InternalError(absl::StrCat(spec.fta_id, ": ", spawned.status().message()));
  }
  const pid_t pid = *spawned;
  absl::StatusOr<int> pidfd = OpenPidFd(pid);
  if (!pidfd.ok()) {
    // Exited before we could watch it: reap and report as a start failure.
    int status = 0;
    waitpid(pid, &status, 0);
    return absl::InternalError(absl::StrCat(spec.fta_id, ": agent exited immediately (see ", log_path, ")"));
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    watched_[spec.fta_id] = Watched{pid, *pidfd, /*is_child=*/true, /*stopping=*/false};
  }
  Wake();
  spdlog::info("started {} as pid {} (log {})", spec.fta_id, pid, log_path);
  return FtaInstance{spec.fta_id, pid, log_path};
}

absl::Status ProcessProvisioner::Stop(const std::string& fta_id, absl::Duration grace) {
  int pidfd = -1;
  int64_t pid = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = watched_.find(fta_id);
    if (it != watched_.end()) {
      it->second.stopping = true;
      pid = it->second.pid;
      // Our own handle: the watcher thread may close the original at any time.
      pidfd = dup(it->second.pidfd);
    }
  }
  if (pid == 0) {
    // Not watched: an orphan found by reconcile, or nothing at all.
    std::map<std::string, int64_t> running = ScanAgentProcesses();
    auto found = running.find(fta_id);
    if (found == running.end()) return absl::OkStatus();
    pid = found->second;
    absl::StatusOr<int> opened = OpenPidFd(pid);
    if (!opened.ok()) return absl::IsNotFound(opened.status()) ? absl::OkStatus() : opened.status();
    pidfd = *opened;
  }
  if (pidfd < 0) return absl::InternalError(absl::StrCat("dup pidfd of ", fta_id, ": ", ErrnoText(errno)));
  auto wait_exit = [pidfd](absl::Duration timeout) {
    pollfd pfd{pidfd, POLLIN, 0};
    int rc;
    do {
      rc = poll(&pfd, 1, static_cast<int>(absl::ToInt64Milliseconds(timeout)));
    } while (rc < 0 && errno == EINTR);
    return rc > 0;
  };
  syscall(SYS_pidfd_send_signal, pidfd, SIGTERM, nullptr, 0);
  bool exited = wait_exit(grace);
  if (!exited) {
    spdlog::warn("{} (pid {}) ignored SIGTERM for {}; killing", fta_id, pid, absl::FormatDuration(grace));
    syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, nullptr, 0);
    exited = wait_exit(absl::Seconds(10));
  }
  close(pidfd);
  if (!exited) return absl::InternalError(absl::StrCat(fta_id, " (pid ", pid, ") survived SIGKILL"));
  spdlog::info("stopped {} (pid {})", fta_id, pid);
  return absl::OkStatus();
}

absl::Status ProcessProvisioner::Adopt(const std::string& fta_id, int64_t pid) {
  if (pid <= 0 || !IsAgentFor(pid, fta_id)) {
    // No pid was recorded (a crash right after spawn) or it is stale: the
    // agent may still be there, found by its command line.
    std::map<std::string, int64_t> running = ScanAgentProcesses();
    auto found = running.find(fta_id);
    if (found != running.end()) pid = found->second;
  }
  if (pid <= 0 || !IsAgentFor(pid, fta_id)) {
    return absl::NotFoundError(absl::StrCat(fta_id, ": no fta-agent process with pid ", pid, " (command line: \"",
                                            absl::StrJoin(ReadCmdline(pid), " "), "\")"));
  }
  absl::StatusOr<int> pidfd = OpenPidFd(pid);
  if (!pidfd.ok()) return pidfd.status();
  {
    std::lock_guard<std::mutex> lock(mu_);
    watched_[fta_id] = Watched{pid, *pidfd, /*is_child=*/false, /*stopping=*/false};
  }
  Wake();
  spdlog::info("adopted {} (pid {})", fta_id, pid);
  return absl::OkStatus();
}

std::map<std::string, int64_t> ProcessProvisioner::ScanAgentProcesses() const {
  std::map<std::string, int64_t> agents;
  if (options_.agent_endpoint.empty()) return agents;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", error)) {
    int64_t pid = 0;
    if (!absl::SimpleAtoi(entry.path().filename().string(), &pid) || pid == getpid()) continue;
    std::vector<std::string> args = ReadCmdline(pid);
    std::string id, endpoint;
    bool named_agent = false;
    for (size_t i = 0; i < args.size(); ++i) {
      if (i < 2) named_agent |= args[i].find("fta-agent") != std::string::npos;
      if (i + 1 < args.size() && args[i] == "--id") id = args[i + 1];
      if (i + 1 < args.size() && args[i] == "--connect") endpoint = args[i + 1];
    }
    if (named_agent && !id.empty() && endpoint == options_.agent_endpoint) agents[id] = pid;
  }
  return agents;
}

absl::StatusOr<std::vector<std::string>> ProcessProvisioner::ListOwned() {
  std::vector<std::string> ids;
  for (const auto& [id, pid] : ScanAgentProcesses()) ids.push_back(id);
  return ids;
}

bool ProcessProvisioner::IsRunning(const std::string& fta_id) {
  std::lock_guard<std::mutex> lock(mu_);
  return watched_.count(fta_id) > 0;
}

std::string ProcessProvisioner::Reap(const Watched& watched) {
  if (!watched.is_child) return "exited (adopted process; status unknown)";
  int status = 0;
  pid_t rc;
  do {
    rc = waitpid(static_cast<pid_t>(watched.pid), &status, 0);
  } while (rc < 0 && errno == EINTR);
  if (rc < 0) return absl::StrCat("exited (waitpid: ", ErrnoText(errno), ")");
  if (WIFEXITED(status)) return absl::StrCat("exited with status ", WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    return absl::StrCat("killed by signal ", WTERMSIG(status), " (", strsignal(WTERMSIG(status)), ")");
  }
  return "exited";
}

void ProcessProvisioner::WatchLoop() {
  while (true) {
    std::vector<pollfd> fds;
    std::vector<std::string> ids;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (shutting_down_) return;
      fds.push_back(pollfd{wake_fd_, POLLIN, 0});
      for (const auto& [id, watched] : watched_) {
        fds.push_back(pollfd{watched.pidfd, POLLIN, 0});
        ids.push_back(id);
      }
    }
    int rc = poll(fds.data(), fds.size(), -1);
    if (rc < 0) {
      if (errno == EINTR) continue;
      spdlog::error("process watcher poll: {}", ErrnoText(errno));
      return;
    }
    if (fds[0].revents & POLLIN) {
      uint64_t drained;
      ssize_t ignored = read(wake_fd_, &drained, sizeof(drained));
      (void)ignored;
    }
    for (size_t i = 1; i < fds.size(); ++i) {
      if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      Watched watched;
      {
        std::lock_guard<std::mutex> lock(mu_);
        auto it = watched_.find(ids[i - 1]);
        if (it == watched_.end() || it->second.pidfd != fds[i].fd) continue;
        watched = it->second;
        watched_.erase(it);
      }
      std::string description = Reap(watched);
      close(watched.pidfd);
      if (watched.stopping) continue;
      spdlog::warn("{} (pid {}) {}", ids[i - 1], watched.pid, description);
      ReportExit(FtaExit{ids[i - 1], description});
    }
  }
}

}  // namespace fta::virt
