// Where a job's files may live, and reaching them without following links.
//
// fta-hostd and its agents may run as root, and the directory (-d) and file
// name come from whoever can reach the control socket. So:
//   * system directories ("/", /etc, /usr, /boot, /proc, /sys, /dev, ... and
//     anything under the ones that hold the system itself) are refused, also
//     when the given path is a symbolic link resolving to one;
//   * the directory is opened with O_DIRECTORY|O_NOFOLLOW (its last component
//     may not be a symbolic link) and every rank file is opened relative to
//     that descriptor with O_NOFOLLOW, so a link planted in the directory is
//     never written through;
//   * a write creates its file with O_CREAT|O_EXCL unless -E (use existing)
//     asks to overwrite one in place, which must then be a regular file with
//     one link.
//
//   FTA_RETURN_IF_ERROR(CheckNotSystemDirectory("directory (-d)", "/etc"));
//   // INVALID_ARGUMENT "directory (-d): /etc is a system directory ..."
//   FTA_ASSIGN_OR_RETURN(ScopedFd dir, OpenRankDirectory(params, rank, /*create=*/true));
//   int fd = openat(dir.get(), RankFileName(params, rank).c_str(), O_RDONLY | O_NOFOLLOW);
#pragma once

#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "lib/ior/ior_params.h"

namespace fta::ior {

// Owns a file descriptor; closes it on destruction.
class ScopedFd {
 public:
  ScopedFd() = default;
  explicit ScopedFd(int fd) : fd_(fd) {}
  ~ScopedFd();
  ScopedFd(ScopedFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  ScopedFd& operator=(ScopedFd&& other) noexcept;
  ScopedFd(const ScopedFd&) = delete;
  ScopedFd& operator=(const ScopedFd&) = delete;
  int get() const { return fd_; }
  int Release() { return std::exchange(fd_, -1); }

 private:
  int fd_ = -1;
};

// The reason `path` may not hold job files ("" when it may). Lexical: looks
// at the path as given (after folding "//", "/./" and trailing slashes).
std::string SystemDirectoryReason(const std::string& path);

// INVALID_ARGUMENT naming `field` when `path`, or what it resolves to on this
// host (symbolic links followed), is a system directory; also when the path
// has a ".." component. A path that does not exist here is judged lexically
// (a guest's file system is not visible from the host).
absl::Status CheckNotSystemDirectory(const std::string& field, const std::string& path);

// Opens `path` with O_DIRECTORY|O_NOFOLLOW. A symbolic link is
// FAILED_PRECONDITION naming `field` and the link.
absl::StatusOr<ScopedFd> OpenDirectoryNoFollow(const std::string& field, const std::string& path);

// The directory holding rank `rank`'s file, opened as above; with -u its
// <rank> subdirectory, created (0775) first when `create`.
absl::StatusOr<ScopedFd> OpenRankDirectory(const IorParams& params, int rank, bool create);

// Opens rank `rank`'s file inside `directory` (from OpenRankDirectory) with
// O_NOFOLLOW. Writing: O_CREAT|O_EXCL (remove an old file first with
// UnlinkRankFile), or with -E
// (use_existing) O_CREAT on a file that must be a regular file with one link.
// `extra_flags` is added (O_DIRECT). Errors name the path.
absl::StatusOr<ScopedFd> OpenRankFile(const ScopedFd& directory, const IorParams& params, int rank, bool writing,
                                      int extra_flags);

// Removes rank `rank`'s file from `directory` (from OpenRankDirectory); a
// missing file is not an error.
absl::Status UnlinkRankFile(const ScopedFd& directory, const IorParams& params, int rank);

// Removes rank `rank`'s file (relative to its directory, never through a
// link). A missing file or directory is not an error.
absl::Status RemoveRankFile(const IorParams& params, int rank);

}  // namespace fta::ior
