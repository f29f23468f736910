#include "lib/daemon/state_guard.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace fta::hostd {

absl::StatusOr<std::unique_ptr<StateDirLock>> StateDirLock::Acquire(const std::string& state_dir) {
  std::string path = state_dir + "/fta-hostd.lock";
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) {
    return absl::FailedPreconditionError(absl::StrCat("daemon.state_dir: cannot open ", path, ": ", std::strerror(errno)));
  }
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int error = errno;
    char text[32] = {};
    ssize_t got = pread(fd, text, sizeof(text) - 1, 0);
    close(fd);
    std::string holder(absl::StripAsciiWhitespace(got > 0 ? std::string(text, got) : ""));
    if (error == EWOULDBLOCK) {
      return absl::FailedPreconditionError(absl::StrCat(
          "daemon.state_dir: ", path, " is locked by pid ", holder.empty() ? "?" : holder,
          ": another fta-hostd serves ", state_dir, "; stop it first, or give this one its own --state-dir"));
    }
    return absl::FailedPreconditionError(absl::StrCat("daemon.state_dir: cannot lock ", path, ": ", std::strerror(error)));
  }
  std::string pid = absl::StrCat(getpid(), "\n");
  if (ftruncate(fd, 0) != 0 || pwrite(fd, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size())) {
    int error = errno;
    close(fd);
    return absl::FailedPreconditionError(absl::StrCat("daemon.state_dir: writing ", path, ": ", std::strerror(error)));
  }
  return std::unique_ptr<StateDirLock>(new StateDirLock(path, fd));
}

StateDirLock::~StateDirLock() { close(fd_); }  // the lock goes with the descriptor

absl::Status RemoveStaleSocket(const std::string& path, const char* key) {
  struct stat info;
  if (lstat(path.c_str(), &info) != 0) return absl::OkStatus();
  if (!S_ISSOCK(info.st_mode)) {
    return absl::FailedPreconditionError(absl::StrCat(key, ": ", path, " exists and is not a socket"));
  }
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.size() >= sizeof(address.sun_path)) {
    return absl::FailedPreconditionError(absl::StrCat(key, ": ", path, " is too long for a unix socket"));
  }
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  int probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  bool answers = probe >= 0 && connect(probe, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  if (probe >= 0) close(probe);
  if (answers) {
    return absl::FailedPreconditionError(
        absl::StrCat(key, ": ", path, " is in use: a running process answers on it (another fta-hostd?)"));
  }
  unlink(path.c_str());
  return absl::OkStatus();
}

absl::StatusOr<long> RaiseFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    return absl::InternalError(absl::StrCat("getrlimit(RLIMIT_NOFILE): ", std::strerror(errno)));
  }
  if (limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &limit) != 0) {
      return absl::InternalError(absl::StrCat("setrlimit(RLIMIT_NOFILE): ", std::strerror(errno)));
    }
  }
  return static_cast<long>(limit.rlim_cur);
}

}  // namespace fta::hostd
