// Starting an fta-agent process: fork, then in the child only system calls
// (new session, default signals, stdin from /dev/null, stdout and stderr to
// the FTA's log), optionally dropping to an unprivileged user
// (setgroups/setresgid/setresuid, no_new_privs), then execve. No shell.
//
// posix_spawn cannot change the user, hence fork. A secret for the agent
// (its token) is handed over as descriptor 3, a memfd the child creates
// after dropping privileges, so the agent reads it as /dev/fd/3 and no
// file readable by the agent's user has to hold it.
//
//   FTA_ASSIGN_OR_RETURN(RunAs user, ResolveAgentUser(""));   // "fta", else "nobody"
//   FTA_ASSIGN_OR_RETURN(pid_t pid, SpawnAgent({binary, args, log_path, user, token}));
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace fta::virt {

struct RunAs {
  std::string name;
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;  // supplementary groups
};

// agents.run_as: "" means the user "fta" when it exists, else "nobody".
// FAILED_PRECONDITION naming agents.run_as for an unknown user.
absl::StatusOr<RunAs> ResolveAgentUser(const std::string& name);

// The descriptor number the secret arrives on, and how the agent is told.
inline constexpr int kSecretFd = 3;
inline constexpr char kSecretPath[] = "/dev/fd/3";

struct AgentSpawn {
  std::string binary;
  std::vector<std::string> argv;  // argv[0] included
  std::string log_path;           // appended to (0644), created as the caller
  std::optional<RunAs> run_as;    // null: the caller's user
  std::string secret;             // "" : no descriptor 3
};

// The child's pid once execve succeeded; INTERNAL naming the step that
// failed (open log, setuid, execve ...) otherwise.
absl::StatusOr<pid_t> SpawnAgent(const AgentSpawn& spawn);

}  // namespace fta::virt
