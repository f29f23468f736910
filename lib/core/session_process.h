// A child process in a session of its own, and the whole session's end.
//
// MPI launches leave trees of processes that change their process groups
// (mpirun puts each launcher child in its own group, orted each rank), but
// none of them calls setsid: the session id is what still names the whole
// tree. So a command started here leads a new session, and ending it means
// SIGKILL to every process of that session (found in /proc), repeated until
// none is left.
//
//   FTA_ASSIGN_OR_RETURN(pid_t pid, SpawnSession({{"orted", ...}, extra_env, out_fd, err_fd, true}));
//   ...
//   KillSession(pid);   // the leader's pid is the session id
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace fta {

struct SessionCommand {
  std::vector<std::string> argv;  // argv[0] searched in PATH
  std::vector<std::string> env;   // NAME=VALUE, added to (or replacing in) this process's environment
  int stdout_fd = -1;             // -1: /dev/null
  int stderr_fd = -1;             // -1: /dev/null
  // SIGKILL the child when the thread that spawned it ends (the agent dies):
  // a lost FTA leaves no orted behind.
  bool die_with_parent = false;
};

// Starts the command (stdin /dev/null, signal mask and dispositions reset,
// no shell) as the leader of a new session. FAILED_PRECONDITION naming
// argv[0] when it cannot be executed (not found: "is it installed?").
absl::StatusOr<pid_t> SpawnSession(const SessionCommand& command);

// Every live process whose session id is `sid` (the leader included while it lives).
std::vector<pid_t> SessionMembers(pid_t sid);

// SIGKILLs every process of session `sid` until none is left (looking again
// for processes forked meanwhile or stuck in I/O, up to ~5 s). The caller
// still reaps its own child.
void KillSession(pid_t sid);

// waitpid without blocking: the exit code (128 + signal when killed), or -1
// while `pid` runs.
int ExitCodeIfExited(pid_t pid);

}  // namespace fta
