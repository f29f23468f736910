#include "lib/core/session_process.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <thread>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

#include "absl/strings/str_cat.h"

extern char** environ;

namespace fta {
namespace {

// The environment for the child: ours, with `extra` added or replacing.
std::vector<std::string> MergedEnvironment(const std::vector<std::string>& extra) {
  std::map<std::string, std::string> by_name;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    std::string item = *entry;
    by_name[item.substr(0, item.find('='))] = item;
  }
  for (const std::string& item : extra) by_name[item.substr(0, item.find('='))] = item;
  std::vector<std::string> merged;
  for (auto& [name, item] : by_name) merged.push_back(item);
  return merged;
}

// Between fork and exec: async-signal-safe calls only.
[[noreturn]] void ExecChild(const SessionCommand& command, pid_t parent, char** argv, char** envp, int error_fd) {
  setsid();
  if (command.die_with_parent) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);  // the parent died before prctl
  }
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int sig = 1; sig < NSIG; ++sig) signal(sig, SIG_DFL);
  int null_fd = open("/dev/null", O_RDWR);
  dup2(null_fd, STDIN_FILENO);
  dup2(command.stdout_fd >= 0 ? command.stdout_fd : null_fd, STDOUT_FILENO);
  dup2(command.stderr_fd >= 0 ? command.stderr_fd : null_fd, STDERR_FILENO);
  execvpe(argv[0], argv, envp);
  int error = errno;
  ssize_t ignored = write(error_fd, &error, sizeof(error));
  (void)ignored;
  _exit(127);
}

}  // namespace

absl::StatusOr<pid_t> SpawnSession(const SessionCommand& command) {
  if (command.argv.empty()) return absl::InvalidArgumentError("argv: empty command");
  std::vector<std::string> args = command.argv;
  std::vector<std::string> env = MergedEnvironment(command.env);
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (std::string& item : env) envp.push_back(item.data());
  envp.push_back(nullptr);
  int error_pipe[2];
  if (pipe2(error_pipe, O_CLOEXEC) != 0) {
    return absl::ResourceExhaustedError(absl::StrCat("pipe: ", std::strerror(errno)));
  }
  const pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) {
    close(error_pipe[0]);
    close(error_pipe[1]);
    return absl::ResourceExhaustedError(absl::StrCat("fork for ", command.argv[0], ": ", std::strerror(errno)));
  }
  if (pid == 0) ExecChild(command, parent, argv.data(), envp.data(), error_pipe[1]);
  close(error_pipe[1]);
  int error = 0;
  ssize_t n;
  do {
    n = read(error_pipe[0], &error, sizeof(error));
  } while (n < 0 && errno == EINTR);
  close(error_pipe[0]);
  if (n == static_cast<ssize_t>(sizeof(error))) {
    while (waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
    return absl::FailedPreconditionError(absl::StrCat("cannot run ", command.argv[0], ": ", std::strerror(error),
                                                      error == ENOENT ? " (is it installed?)" : ""));
  }
  return pid;
}

std::vector<pid_t> SessionMembers(pid_t sid) {
  std::vector<pid_t> members;
  DIR* proc = opendir("/proc");
  if (proc == nullptr) return members;
  while (dirent* entry = readdir(proc)) {
    char* end = nullptr;
    long pid = std::strtol(entry->d_name, &end, 10);
    if (end == entry->d_name || *end != '\0') continue;
    std::ifstream stat(absl::StrCat("/proc/", pid, "/stat"));
    std::string line;
    if (!std::getline(stat, line)) continue;
    // pid (comm) state ppid pgrp session ...; comm may hold spaces and ')'.
    size_t close_paren = line.rfind(')');
    if (close_paren == std::string::npos) continue;
    std::istringstream fields(line.substr(close_paren + 1));
    std::string state;
    long ppid = 0, pgrp = 0, session = 0;
    if (!(fields >> state >> ppid >> pgrp >> session)) continue;
    if (session == sid && state != "Z") members.push_back(static_cast<pid_t>(pid));
  }
  closedir(proc);
  return members;
}

void KillSession(pid_t sid) {
  if (sid <= 1) return;
  // A process in uninterruptible I/O (O_DIRECT, fsync) goes only once that
  // I/O is done: look again for up to ~5 s.
  for (int round = 0; round < 500; ++round) {
    std::vector<pid_t> members = SessionMembers(sid);
    if (members.empty()) return;
    for (pid_t pid : members) kill(pid, SIGKILL);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

int ExitCodeIfExited(pid_t pid) {
  int status = 0;
  pid_t done;
  do {
    done = waitpid(pid, &status, WNOHANG);
  } while (done < 0 && errno == EINTR);
  if (done == 0) return -1;
  if (done < 0) return 127;  // not our child any more: treat as gone
  return WIFEXITED(status) ? WEXITSTATUS(status) : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 127;
}

}  // namespace fta
