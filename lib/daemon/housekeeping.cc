#include "lib/daemon/housekeeping.h"

#include <fcntl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "spdlog/spdlog.h"

namespace fta::hostd {
namespace {

// Copies `from` to a new `to` (0640), then truncates `from` in place.
bool CopyAndTruncate(const std::string& from, const std::string& to) {
  int in = open(from.c_str(), O_RDWR | O_NOFOLLOW | O_CLOEXEC);
  if (in < 0) return false;
  int out = open(to.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0640);
  bool copied = out >= 0;
  struct stat info;
  if (copied && fstat(in, &info) == 0) {
    off_t offset = 0;
    while (copied && offset < info.st_size) {
      ssize_t n = sendfile(out, in, &offset, static_cast<size_t>(info.st_size - offset));
      copied = n > 0;
    }
  }
  if (out >= 0) close(out);
  copied = copied && ftruncate(in, 0) == 0;
  close(in);
  return copied;
}

}  // namespace

Housekeeping::Housekeeping(store::Store* store, const Clock* clock, Options options)
    : store_(store), clock_(clock), options_(std::move(options)), retention_days_(options_.retention_days) {}

void Housekeeping::Tick() {
  const int days = retention_days_.load();
  if (days > 0) {
    const int64_t cutoff = clock_->NowUnixMillis() - static_cast<int64_t>(days) * 86'400'000;
    absl::StatusOr<store::Store::Pruned> pruned = store_->PruneBefore(cutoff);
    if (!pruned.ok()) {
      spdlog::warn("retention: {}", std::string(pruned.status().message()));
    } else if (pruned->jobs > 0 || pruned->ftas > 0) {
      spdlog::info("retention: deleted {} job(s) and {} released FTA(s) older than {} day(s)", pruned->jobs,
                   pruned->ftas, days);
    }
  }
  if (!options_.log_dir.empty()) RotateLogs(options_.log_dir, options_.log_max_bytes, options_.log_keep);
  PruneMpiWorkDirs();
}

int Housekeeping::PruneMpiWorkDirs() {
  if (options_.mpi_work_dir.empty()) return 0;
  int removed = 0;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(options_.mpi_work_dir, error)) {
    if (!entry.is_directory(error) || entry.is_symlink(error)) continue;
    const std::string job_id = entry.path().filename().string();
    // Only a definite "no such job" removes: a store error keeps the files.
    if (store_->GetJob(job_id).status().code() != absl::StatusCode::kNotFound) continue;
    if (std::filesystem::remove_all(entry.path(), error) > 0 && !error) ++removed;
  }
  if (removed > 0) spdlog::info("retention: removed {} MPI work director(ies) of deleted jobs", removed);
  return removed;
}

int Housekeeping::RotateLogs(const std::string& log_dir, int64_t max_bytes, int keep) {
  if (max_bytes <= 0 || keep < 1) return 0;
  int rotated = 0;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(log_dir, error)) {
    const std::string path = entry.path().string();
    if (!absl::EndsWith(path, ".log") || !entry.is_regular_file(error) || entry.is_symlink(error)) continue;
    if (static_cast<int64_t>(entry.file_size(error)) <= max_bytes || error) continue;
    std::filesystem::remove(absl::StrCat(path, ".", keep), error);
    for (int i = keep - 1; i >= 1; --i) {
      std::filesystem::rename(absl::StrCat(path, ".", i), absl::StrCat(path, ".", i + 1), error);
    }
    if (CopyAndTruncate(path, path + ".1")) {
      ++rotated;
    } else {
      spdlog::warn("log rotation: cannot rotate {}", path);
    }
  }
  return rotated;
}

}  // namespace fta::hostd
