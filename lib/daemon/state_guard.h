// What keeps one fta-hostd per state dir and its sockets its own:
//
// - StateDirLock: an exclusive flock(2) on <state_dir>/fta-hostd.lock, taken
//   before the database opens and held for the daemon's life (the file says
//   the holder's pid). A second daemon on the same dir stops, naming the
//   lock and the pid. The descriptor is close-on-exec, so FTA processes that
//   outlive the daemon never hold it.
// - RemoveStaleSocket: a socket file is removed only when nothing answers on
//   it (a crashed daemon's leftover), never a live daemon's.
// - RaiseFileLimit: RLIMIT_NOFILE's soft limit up to the hard one, so a
//   burst of connections does not exhaust descriptors (gRPC's listener stops
//   for good on EMFILE).
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace fta::hostd {

class StateDirLock {
 public:
  // FAILED_PRECONDITION naming the lock file and the holder's pid when
  // another process holds it.
  static absl::StatusOr<std::unique_ptr<StateDirLock>> Acquire(const std::string& state_dir);
  ~StateDirLock();
  const std::string& path() const { return path_; }

 private:
  StateDirLock(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  std::string path_;
  int fd_;
};

// `key` names the setting in errors. FAILED_PRECONDITION when a process
// answers on `path` or it is not a socket.
absl::Status RemoveStaleSocket(const std::string& path, const char* key);

// Returns the new soft limit.
absl::StatusOr<long> RaiseFileLimit();

}  // namespace fta::hostd
