// Who may connect to a unix socket the daemon listens on: its file gets
// mode 0660 and, when one is named, a group (the operators' fta-admin).
//
//   FTA_ASSIGN_OR_RETURN(SocketGroup group,
//                        ResolveSocketGroup(config.control_socket_group, "fta-admin",
//                                           "daemon.control_socket_group"));
//   ... listen on the socket ...
//   FTA_RETURN_IF_ERROR(RestrictSocket(path, group));
#pragma once

#include <sys/types.h>

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace fta {

struct SocketGroup {
  std::string name;  // "" = no group: root only
  gid_t gid = 0;
  std::string note;  // why the socket stays root-only, when it does ("" otherwise)
};

// `name` resolved through the group database. "" is root only. A missing
// group is root only (with a note) when it is `fallback_default`, the
// packaged default that a plain `cmake --install` may not have created;
// any other missing group is FAILED_PRECONDITION naming `key`.
absl::StatusOr<SocketGroup> ResolveSocketGroup(const std::string& name, const std::string& fallback_default,
                                               const std::string& key);

// chown root-or-self:group (when a group is given) and chmod 0660; errors
// name the path.
absl::Status RestrictSocket(const std::string& path, const SocketGroup& group);

}  // namespace fta
