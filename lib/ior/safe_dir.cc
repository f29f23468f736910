#include "lib/ior/safe_dir.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "lib/core/status_macros.h"

namespace fta::ior {
namespace {

// The system itself lives here: nothing below them may hold job files.
constexpr const char* kSystemTrees[] = {"/etc",   "/usr",   "/boot",   "/proc", "/sys", "/dev", "/bin",
                                        "/sbin",  "/lib",   "/lib32",  "/lib64", "/libx32", "/efi"};
// These hold other things' directories: the directory itself is refused (a
// job would scatter files among them), a subdirectory is fine.
constexpr const char* kSystemRoots[] = {"/",         "/var",  "/var/lib", "/var/log", "/var/cache", "/var/spool",
                                        "/home",     "/root", "/run",     "/srv",     "/mnt",       "/media",
                                        "/opt",      "/snap", "/var/run"};

// "/a//b/./c/" -> "/a/b/c"; nullopt-like "" when a ".." component is present.
std::string FoldPath(const std::string& path, bool* has_parent_component) {
  std::vector<std::string> parts;
  *has_parent_component = false;
  for (absl::string_view part : absl::StrSplit(path, '/', absl::SkipEmpty())) {
    if (part == ".") continue;
    if (part == "..") *has_parent_component = true;
    parts.emplace_back(part);
  }
  return absl::StrCat("/", absl::StrJoin(parts, "/"));
}

bool IsUnder(const std::string& path, const std::string& tree) {
  return path == tree || (path.size() > tree.size() && path.compare(0, tree.size(), tree) == 0 &&
                          path[tree.size()] == '/');
}

absl::Status ErrnoAt(int error, const std::string& what) { return absl::ErrnoToStatus(error, what); }

}  // namespace

ScopedFd::~ScopedFd() {
  if (fd_ >= 0) ::close(fd_);
}

ScopedFd& ScopedFd::operator=(ScopedFd&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

std::string SystemDirectoryReason(const std::string& path) {
  bool parent = false;
  const std::string folded = FoldPath(path, &parent);
  for (const char* tree : kSystemTrees) {
    if (IsUnder(folded, tree)) return absl::StrCat("is a system directory (", tree, " and below hold the system)");
  }
  for (const char* root : kSystemRoots) {
    if (folded == root) return "is a system directory (give a subdirectory made for the test files)";
  }
  return "";
}

absl::Status CheckNotSystemDirectory(const std::string& field, const std::string& path) {
  bool parent = false;
  FoldPath(path, &parent);
  if (parent) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": ", path, " must not contain \"..\" components"));
  }
  std::string reason = SystemDirectoryReason(path);
  if (!reason.empty()) return absl::InvalidArgumentError(absl::StrCat(field, ": ", path, " ", reason));
  char resolved[PATH_MAX];
  if (::realpath(path.c_str(), resolved) == nullptr) return absl::OkStatus();  // not on this host: lexical only
  reason = SystemDirectoryReason(resolved);
  if (!reason.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": ", path, " resolves to ", resolved, ", which ", reason));
  }
  return absl::OkStatus();
}

absl::StatusOr<ScopedFd> OpenDirectoryNoFollow(const std::string& field, const std::string& path) {
  ScopedFd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (fd.get() >= 0) return fd;
  const int error = errno;
  struct stat info;
  if ((error == ELOOP || error == ENOTDIR) && ::lstat(path.c_str(), &info) == 0 && S_ISLNK(info.st_mode)) {
    return absl::FailedPreconditionError(absl::StrCat(
        field, ": ", path, " is a symbolic link; refused (give the directory itself, links are not followed)"));
  }
  return ErrnoAt(error, absl::StrCat(field, ": open directory ", path));
}

absl::StatusOr<ScopedFd> OpenRankDirectory(const IorParams& params, int rank, bool create) {
  FTA_ASSIGN_OR_RETURN(ScopedFd base, OpenDirectoryNoFollow("directory (-d)", params.directory));
  if (!params.unique_dir) return base;
  const std::string name = std::to_string(rank);
  if (create && ::mkdirat(base.get(), name.c_str(), 0775) != 0 && errno != EEXIST) {
    return ErrnoAt(errno, absl::StrCat("mkdir ", RankDirectory(params, rank), " (-u)"));
  }
  ScopedFd sub(::openat(base.get(), name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (sub.get() < 0) {
    return ErrnoAt(errno, absl::StrCat("open directory ", RankDirectory(params, rank),
                                       " (-u; a symbolic link there is refused)"));
  }
  return sub;
}

absl::StatusOr<ScopedFd> OpenRankFile(const ScopedFd& directory, const IorParams& params, int rank, bool writing,
                                      int extra_flags) {
  const std::string name = RankFileName(params, rank);
  const std::string path = RankFilePath(params, rank);
  int flags = (writing ? O_CREAT | O_RDWR : O_RDONLY) | O_NOFOLLOW | O_CLOEXEC | extra_flags;
  if (writing && !params.use_existing) flags |= O_EXCL;
  // No O_TRUNC, like IOR: with -E an existing file is overwritten in place.
  ScopedFd fd(::openat(directory.get(), name.c_str(), flags, 0664));
  if (fd.get() < 0) {
    const int error = errno;
    if (error == ELOOP) {
      return absl::FailedPreconditionError(
          absl::StrCat("open ", path, ": is a symbolic link; refused (job files are never reached through links)"));
    }
    return ErrnoAt(error, absl::StrCat("open ", path,
                                       (extra_flags & O_DIRECT) != 0 && error == EINVAL
                                           ? " with O_DIRECT (not supported by this file system?)"
                                           : ""));
  }
  struct stat info;
  if (::fstat(fd.get(), &info) != 0) return ErrnoAt(errno, absl::StrCat("stat ", path));
  if (!S_ISREG(info.st_mode)) {
    return absl::FailedPreconditionError(absl::StrCat("open ", path, ": not a regular file; refused"));
  }
  if (writing && info.st_nlink > 1) {
    return absl::FailedPreconditionError(absl::StrCat("open ", path, ": has ", info.st_nlink,
                                                      " hard links; refused (it may be another file's name)"));
  }
  return fd;
}

absl::Status RemoveRankFile(const IorParams& params, int rank) {
  absl::StatusOr<ScopedFd> directory = OpenRankDirectory(params, rank, /*create=*/false);
  if (!directory.ok()) {
    return absl::IsNotFound(directory.status()) ? absl::OkStatus() : directory.status();
  }
  return UnlinkRankFile(*directory, params, rank);
}

absl::Status UnlinkRankFile(const ScopedFd& directory, const IorParams& params, int rank) {
  if (::unlinkat(directory.get(), RankFileName(params, rank).c_str(), 0) != 0 && errno != ENOENT) {
    return ErrnoAt(errno, absl::StrCat("unlink ", RankFilePath(params, rank)));
  }
  return absl::OkStatus();
}

}  // namespace fta::ior
