#include "lib/virt/agent_spawn.h"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

extern char** environ;

namespace fta::virt {
namespace {

// What the child reports through the pipe when a step fails.
enum ChildStep : int { kStdin = 1, kLog, kSession, kGroups, kGid, kUid, kNoNewPrivs, kSecret, kExec };

const char* StepName(int step) {
  static constexpr const char* kNames[] = {"execve",    "open /dev/null", "open the log",
                                           "setsid",    "setgroups",      "setresgid",
                                           "setresuid", "prctl(PR_SET_NO_NEW_PRIVS)", "hand over the token (memfd)"};
  return step >= kStdin && step <= kSecret ? kNames[step] : kNames[0];
}

[[noreturn]] void ChildFail(int pipe_fd, int step) {
  int report[2] = {step, errno};
  ssize_t ignored = write(pipe_fd, report, sizeof(report));
  (void)ignored;
  _exit(127);
}

bool Redirect(const char* path, int flags, int target) {
  int fd = open(path, flags, 0644);
  if (fd < 0) return false;
  if (fd != target) {
    if (dup2(fd, target) < 0) return false;
    close(fd);
  }
  return true;
}

// Only system calls from here to execve: the parent has other threads.
[[noreturn]] void RunChild(const AgentSpawn& spawn, char* const* argv, int pipe_fd) {
  // Signals arrive blocked (see SpawnAgent): the daemon's handlers must not
  // run here, on memory shared with it, so every caught signal goes back to
  // its default before the agent's mask (none blocked) is set.
  for (int sig = 1; sig < NSIG; ++sig) {
    struct sigaction current;
    if (sigaction(sig, nullptr, &current) != 0) continue;
    const bool keeps_ignored = sig != SIGPIPE && sig != SIGTERM && sig != SIGINT && sig != SIGHUP;
    if (current.sa_handler == SIG_IGN && keeps_ignored) continue;
    if (current.sa_handler != SIG_DFL) signal(sig, SIG_DFL);
  }
  sigset_t empty;
  sigemptyset(&empty);
  sigprocmask(SIG_SETMASK, &empty, nullptr);
  if (!Redirect("/dev/null", O_RDONLY, STDIN_FILENO)) ChildFail(pipe_fd, kStdin);
  if (!Redirect(spawn.log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW, STDOUT_FILENO)) {
    ChildFail(pipe_fd, kLog);
  }
  if (dup2(STDOUT_FILENO, STDERR_FILENO) < 0) ChildFail(pipe_fd, kLog);
  if (setsid() < 0) ChildFail(pipe_fd, kSession);
  if (spawn.run_as) {
    const RunAs& user = *spawn.run_as;
    // Raw system calls: they change this (the only) thread, nothing else.
    if (syscall(SYS_setgroups, user.groups.size(), user.groups.data()) != 0) ChildFail(pipe_fd, kGroups);
    if (syscall(SYS_setresgid, user.gid, user.gid, user.gid) != 0) ChildFail(pipe_fd, kGid);
    if (syscall(SYS_setresuid, user.uid, user.uid, user.uid) != 0) ChildFail(pipe_fd, kUid);
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) ChildFail(pipe_fd, kNoNewPrivs);
  }
  if (!spawn.secret.empty()) {
    // Created after the drop, so the agent's user owns it and may open /dev/fd/3.
    int fd = static_cast<int>(syscall(SYS_memfd_create, "fta-agent-token", 0));
    if (fd < 0) ChildFail(pipe_fd, kSecret);
    if (write(fd, spawn.secret.data(), spawn.secret.size()) != static_cast<ssize_t>(spawn.secret.size()) ||
        lseek(fd, 0, SEEK_SET) != 0) {
      ChildFail(pipe_fd, kSecret);
    }
    if (fd != kSecretFd) {
      if (dup2(fd, kSecretFd) < 0) ChildFail(pipe_fd, kSecret);
      close(fd);
    }
  }
  execve(spawn.binary.c_str(), argv, environ);
  ChildFail(pipe_fd, kExec);
}

struct ChildArgs {
  const AgentSpawn* spawn;
  char* const* argv;
  int pipe_fd;
};

int ChildMain(void* raw) {
  const ChildArgs& args = *static_cast<const ChildArgs*>(raw);
  RunChild(*args.spawn, args.argv, args.pipe_fd);
}

// Stack of the child until it execs (it shares the parent's memory).
constexpr size_t kChildStack = 256 * 1024;

}  // namespace

absl::StatusOr<RunAs> ResolveAgentUser(const std::string& name) {
  std::vector<std::string> candidates = name.empty() ? std::vector<std::string>{"fta", "nobody"}
                                                     : std::vector<std::string>{name};
  for (const std::string& candidate : candidates) {
    struct passwd entry;
    struct passwd* found = nullptr;
    std::vector<char> buffer(16384);
    if (getpwnam_r(candidate.c_str(), &entry, buffer.data(), buffer.size(), &found) != 0 || found == nullptr) {
      continue;
    }
    RunAs user{candidate, entry.pw_uid, entry.pw_gid, {}};
    int count = 64;
    std::vector<gid_t> groups(static_cast<size_t>(count));
    if (getgrouplist(candidate.c_str(), entry.pw_gid, groups.data(), &count) < 0) {
      groups.resize(static_cast<size_t>(count));
      getgrouplist(candidate.c_str(), entry.pw_gid, groups.data(), &count);
    }
    groups.resize(static_cast<size_t>(count));
    user.groups = std::move(groups);
    return user;
  }
  return absl::FailedPreconditionError(
      absl::StrCat("agents.run_as: no user ", name.empty() ? "\"fta\" or \"nobody\"" : "\"" + name + "\"",
                   " on this host (create it, or name another; \"root\" runs agents as root)"));
}

absl::StatusOr<pid_t> SpawnAgent(const AgentSpawn& spawn) {
  std::vector<std::string> args = spawn.argv;
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  int report_pipe[2];
  if (pipe2(report_pipe, O_CLOEXEC) != 0) return absl::InternalError(absl::StrCat("pipe: ", std::strerror(errno)));
  // clone(CLONE_VM | CLONE_VFORK), as posix_spawn does, not fork(): no
  // page tables copied, and no pthread_atfork handlers run. gRPC's
  // handlers hold up every gRPC thread of the daemon around each fork, so
  // allocating hundreds of FTAs in a row starved the agents' streams (at
  // 1000 agents, heartbeats went unread for 10 s and connections timed out
  // in their handshake). This thread waits until the child has exec'd.
  void* stack = mmap(nullptr, kChildStack, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  if (stack == MAP_FAILED) {
    const int error = errno;
    close(report_pipe[0]);
    close(report_pipe[1]);
    return absl::ResourceExhaustedError(absl::StrCat("mmap of the child's stack: ", std::strerror(error)));
  }
  ChildArgs child{&spawn, argv.data(), report_pipe[1]};
  sigset_t all, before;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &before);
  // The child's errors travel through the pipe (it closes on execve).
  pid_t pid = clone(ChildMain, static_cast<char*>(stack) + kChildStack, CLONE_VM | CLONE_VFORK | SIGCHLD, &child);
  const int clone_error = errno;
  pthread_sigmask(SIG_SETMASK, &before, nullptr);
  munmap(stack, kChildStack);
  if (pid < 0) {
    close(report_pipe[0]);
    close(report_pipe[1]);
    return absl::ResourceExhaustedError(absl::StrCat("clone: ", std::strerror(clone_error)));
  }
  close(report_pipe[1]);
  int report[2] = {0, 0};
  ssize_t n;
  do {
    n = read(report_pipe[0], report, sizeof(report));
  } while (n < 0 && errno == EINTR);
  close(report_pipe[0]);
  if (n == 0) return pid;  // the pipe closed on execve
  int status = 0;
  waitpid(pid, &status, 0);
  return absl::InternalError(absl::StrCat("starting ", spawn.binary, ": ", StepName(report[0]),
                                          spawn.run_as ? absl::StrCat(" (as ", spawn.run_as->name, ")") : "",
                                          ": ", std::strerror(report[1])));
}

}  // namespace fta::virt
