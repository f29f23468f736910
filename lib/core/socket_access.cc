#include "lib/core/socket_access.h"

#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"

namespace fta {

absl::StatusOr<SocketGroup> ResolveSocketGroup(const std::string& name, const std::string& fallback_default,
                                               const std::string& key) {
  if (name.empty()) return SocketGroup{"", 0, "no group configured (" + key + " = \"\")"};
  std::vector<char> buffer(16384);
  group entry{};
  group* found = nullptr;
  int error = getgrnam_r(name.c_str(), &entry, buffer.data(), buffer.size(), &found);
  if (error == 0 && found != nullptr) return SocketGroup{name, found->gr_gid, ""};
  std::string why = error != 0 ? std::strerror(error) : "no such group";
  if (name == fallback_default) {
    return SocketGroup{"", 0, absl::StrCat("group ", name, ": ", why, " (the package creates it)")};
  }
  return absl::FailedPreconditionError(absl::StrCat(key, ": group \"", name, "\": ", why));
}

absl::Status RestrictSocket(const std::string& path, const SocketGroup& group) {
  if (!group.name.empty() && chown(path.c_str(), static_cast<uid_t>(-1), group.gid) != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("chown ", path, " to group ", group.name, ": ", std::strerror(errno)));
  }
  if (chmod(path.c_str(), 0660) != 0) {
    return absl::FailedPreconditionError(absl::StrCat("chmod 0660 ", path, ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

}  // namespace fta
