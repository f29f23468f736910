#include "lib/jobs/job_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "absl/strings/str_cat.h"
#include "lib/core/status_macros.h"
#include "lib/ior/safe_dir.h"
#include "spdlog/spdlog.h"

namespace fta::hostd {
namespace {

// Unlinks `name` in `directory` when it is there; true when it was.
bool UnlinkIfPresent(const ior::ScopedFd& directory, const std::string& name) {
  struct stat info;
  if (fstatat(directory.get(), name.c_str(), &info, AT_SYMLINK_NOFOLLOW) != 0) return false;
  return unlinkat(directory.get(), name.c_str(), 0) == 0;
}

}  // namespace

absl::Status JobFileKeeper::Expect(const std::string& job_id, const ior::IorParams& params, int total_ranks) {
  if (params.keep_files) return absl::OkStatus();
  return store_->PutCleanupIntent(
      store::Store::CleanupIntent{job_id, params.directory, params.file_name, params.unique_dir, total_ranks});
}

int JobFileKeeper::Finished(const std::string& job_id, fta::v1::JobState state) {
  int removed = 0;
  if (state != fta::v1::JOB_STATE_COMPLETED) {
    absl::StatusOr<std::vector<store::Store::CleanupIntent>> intents = store_->ListCleanupIntents();
    if (!intents.ok()) {
      spdlog::warn("{}: files not removed: {}", job_id, std::string(intents.status().message()));
      return 0;  // the intent stays: the next start tries again
    }
    for (const auto& intent : *intents) {
      if (intent.job_id == job_id) removed += RemoveFiles(intent);
    }
    if (removed > 0) spdlog::info("{}: removed {} file(s) it left", job_id, removed);
  }
  absl::Status dropped = store_->DeleteCleanupIntent(job_id);
  if (!dropped.ok()) spdlog::warn("{}: {}", job_id, std::string(dropped.message()));
  return removed;
}

absl::StatusOr<int> JobFileKeeper::RemoveLeftovers() {
  FTA_ASSIGN_OR_RETURN(std::vector<store::Store::CleanupIntent> intents, store_->ListCleanupIntents());
  int removed = 0;
  for (const auto& intent : intents) {
    const int files = RemoveFiles(intent);
    if (files > 0) spdlog::info("{}: removed {} file(s) left by an unfinished run", intent.job_id, files);
    removed += files;
    FTA_RETURN_IF_ERROR(store_->DeleteCleanupIntent(intent.job_id));
  }
  return removed;
}

int JobFileKeeper::RemoveFiles(const store::Store::CleanupIntent& intent) {
  ior::IorParams params;
  params.directory = intent.directory;
  params.file_name = intent.file_name;
  params.unique_dir = intent.unique_dir;
  if (!ior::CheckNotSystemDirectory("directory (-d)", params.directory).ok()) return 0;
  absl::StatusOr<ior::ScopedFd> base = ior::OpenDirectoryNoFollow("directory (-d)", params.directory);
  if (!base.ok()) return 0;
  int removed = 0;
  for (int rank = 0; rank < intent.total_ranks; ++rank) {
    absl::StatusOr<ior::ScopedFd> directory = ior::OpenRankDirectory(params, rank, /*create=*/false);
    if (!directory.ok()) continue;
    const std::string name = ior::RankFileName(params, rank);
    removed += UnlinkIfPresent(*directory, name) ? 1 : 0;
    removed += UnlinkIfPresent(*directory, name + ".00000000") ? 1 : 0;  // the real ior's file name
    if (params.unique_dir) unlinkat(base->get(), std::to_string(rank).c_str(), AT_REMOVEDIR);  // when empty
  }
  return removed;
}

}  // namespace fta::hostd
