#include "lib/ior/ior_spec.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "lib/core/status_macros.h"
#include "lib/core/units.h"
#include "lib/ior/safe_dir.h"

namespace fta::ior {
namespace {

constexpr int kMaxRanksPerFta = 256;

absl::StatusOr<uint64_t> CountField(const char* field, int64_t value, int64_t fallback) {
  if (value < 0) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": must be at least 1, got ", value));
  }
  return static_cast<uint64_t>(value == 0 ? fallback : value);
}

}  // namespace

absl::Status ApplyEngineOptions(const fta::v1::IorSpec& spec, IorParams* params) {
  for (auto [value, flag] : {std::pair{spec.random_seed(), "random_seed (--random-seed)"},
                             std::pair{spec.stonewall_s(), "stonewall_s (-D)"},
                             std::pair{spec.inter_test_delay_s(), "inter_test_delay_s (--delay)"},
                             std::pair{spec.max_minutes(), "max_minutes (-T)"}}) {
    if (value < 0)
      return absl::InvalidArgumentError(absl::StrCat(flag, " must not be negative, got ", value));
  }
  params->fsync_per_write = spec.fsync_per_write();
  params->random_offset = spec.random_offset();
  params->random_seed = static_cast<uint64_t>(spec.random_seed());
  params->deadline_seconds = static_cast<uint64_t>(spec.stonewall_s());
  params->stonewall_wear_out = spec.stonewall_wear_out();
  params->inter_test_delay_seconds = static_cast<uint64_t>(spec.inter_test_delay_s());
  params->max_minutes = static_cast<uint64_t>(spec.max_minutes());
  params->intra_test_barriers = spec.intra_test_barriers();
  params->unique_dir = spec.unique_dir();
  params->odirect = spec.odirect();
  return absl::OkStatus();
}

absl::StatusOr<IorParams> ResolveSpec(const fta::v1::IorSpec& spec) {
  IorParams params;
  if (!spec.transfer_size().empty()) {
    FTA_ASSIGN_OR_RETURN(params.transfer_size, ParseSize("transfer_size (-t)", spec.transfer_size()));
  }
  if (!spec.block_size().empty()) {
    FTA_ASSIGN_OR_RETURN(params.block_size, ParseSize("block_size (-b)", spec.block_size()));
  }
  FTA_ASSIGN_OR_RETURN(params.segments, CountField("segments (-s)", spec.segments(), 1));
  FTA_ASSIGN_OR_RETURN(params.iterations, CountField("iterations (-i)", spec.iterations(), 1));
  FTA_ASSIGN_OR_RETURN(params.task_offset, CountField("task_offset (-Q)", spec.task_offset(), 1));
  // IOR: neither -w nor -r means both.
  params.write = spec.write() || !spec.read();
  params.read = spec.read() || !spec.write();
  params.fsync = spec.fsync();
  params.keep_files = spec.keep_files();
  params.reorder_tasks = spec.reorder_tasks();
  params.use_existing = spec.use_existing();
  params.directory = spec.directory();
  if (!spec.file_name().empty()) params.file_name = spec.file_name();
  FTA_RETURN_IF_ERROR(ApplyEngineOptions(spec, &params));
  if (params.directory.empty()) {
    return absl::InvalidArgumentError("directory (-d): required (where the test files go)");
  }
  if (spec.ranks_per_fta() < 0 || spec.ranks_per_fta() > kMaxRanksPerFta) {
    return absl::InvalidArgumentError(absl::StrCat("ranks_per_fta: must be between 1 and ", kMaxRanksPerFta,
                                                   ", got ", spec.ranks_per_fta()));
  }
  if (spec.engine() != fta::v1::ENGINE_UNSPECIFIED && spec.engine() != fta::v1::ENGINE_BUILTIN &&
      spec.engine() != fta::v1::ENGINE_IOR) {
    return absl::InvalidArgumentError(absl::StrCat("engine: ", fta::v1::Engine_Name(spec.engine()), " (",
                                                   static_cast<int>(spec.engine()),
                                                   ") cannot run a job (ENGINE_BUILTIN, ENGINE_IOR or unspecified)"));
  }
  FTA_RETURN_IF_ERROR(Validate(params));
  return params;
}

absl::Status CheckDirectoryAbsolute(const std::string& field, const std::string& path) {
  if (path.empty() || path[0] != '/') {
    return absl::InvalidArgumentError(absl::StrCat(field, ": \"", path, "\" must be an absolute path"));
  }
  return CheckNotSystemDirectory(field, path);
}

absl::Status CheckDirectoryWritable(const std::string& field, const std::string& path) {
  FTA_RETURN_IF_ERROR(CheckDirectoryAbsolute(field, path));
  struct stat info;
  if (lstat(path.c_str(), &info) != 0) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": ", path, ": ", std::strerror(errno)));
  }
  if (S_ISLNK(info.st_mode)) {
    return absl::FailedPreconditionError(absl::StrCat(
        field, ": ", path, " is a symbolic link; refused (give the directory itself, links are not followed)"));
  }
  if (!S_ISDIR(info.st_mode)) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": ", path, " is not a directory"));
  }
  // access(W_OK) says yes to root everywhere; creating a file is the truth.
  std::string probe = absl::StrCat(path, "/.fta-hostd-probe-XXXXXX");
  int fd = mkstemp(probe.data());
  if (fd < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": ", path, " is not writable: ", std::strerror(errno)));
  }
  close(fd);
  unlink(probe.c_str());
  return absl::OkStatus();
}

}  // namespace fta::ior
