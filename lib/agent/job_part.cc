#include "lib/agent/job_part.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>

#include "absl/strings/str_cat.h"
#include "lib/core/status_macros.h"
#include "lib/ior/ior_spec.h"

namespace fta::agent {
namespace {

// proto3 int64 "0 = default"; negatives are rejected rather than wrapped
// into huge unsigned values.
absl::StatusOr<uint64_t> CountOrDefault(int64_t value, const char* flag) {
  if (value < 0) return absl::InvalidArgumentError(absl::StrCat(flag, " must not be negative"));
  return value == 0 ? 1 : static_cast<uint64_t>(value);
}

absl::StatusOr<uint64_t> Size(int64_t value, const char* flag) {
  if (value <= 0) return absl::InvalidArgumentError(absl::StrCat(flag, " must be positive"));
  return static_cast<uint64_t>(value);
}

}  // namespace

absl::Status CheckDirectory(const std::string& directory) {
  if (directory.empty()) return absl::InvalidArgumentError("no directory given (-d)");
  struct stat st;
  if (stat(directory.c_str(), &st) != 0) {
    int err = errno;
    return absl::Status(err == ENOENT ? absl::StatusCode::kNotFound : absl::StatusCode::kInvalidArgument,
                        absl::StrCat("directory ", directory, ": ", std::strerror(err)));
  }
  if (!S_ISDIR(st.st_mode)) {
    return absl::InvalidArgumentError(absl::StrCat("directory ", directory, ": Not a directory"));
  }
  if (access(directory.c_str(), W_OK | X_OK) != 0) {
    return absl::PermissionDeniedError(absl::StrCat("directory ", directory, ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

absl::StatusOr<PartPlan> PlanFromJobPart(const v1::JobPart& part) {
  const v1::IorSpec& spec = part.spec();
  if (spec.engine() != v1::ENGINE_UNSPECIFIED && spec.engine() != v1::ENGINE_BUILTIN &&
      spec.engine() != v1::ENGINE_IOR) {
    return absl::InvalidArgumentError(absl::StrCat("engine ", v1::Engine_Name(spec.engine()),
                                                   " is not supported by this agent (builtin, ior)"));
  }
  PartPlan plan;
  plan.engine = spec.engine() == v1::ENGINE_IOR ? "ior" : "builtin";
  ior::IorParams& p = plan.params;
  FTA_ASSIGN_OR_RETURN(p.transfer_size, Size(part.transfer_size_bytes(), "-t"));
  FTA_ASSIGN_OR_RETURN(p.block_size, Size(part.block_size_bytes(), "-b"));
  FTA_ASSIGN_OR_RETURN(p.segments, CountOrDefault(spec.segments(), "-s"));
  FTA_ASSIGN_OR_RETURN(p.iterations, CountOrDefault(spec.iterations(), "-i"));
  FTA_ASSIGN_OR_RETURN(p.task_offset, CountOrDefault(spec.task_offset(), "-Q"));
  p.write = spec.write();
  p.read = spec.read();
  if (!p.write && !p.read) p.write = p.read = true;
  p.fsync = spec.fsync();
  p.keep_files = spec.keep_files();
  p.reorder_tasks = spec.reorder_tasks();
  p.use_existing = spec.use_existing();
  FTA_RETURN_IF_ERROR(ior::ApplyEngineOptions(spec, &p));
  p.directory = spec.directory();
  p.file_name = spec.file_name().empty() ? "testfile" : spec.file_name();
  FTA_RETURN_IF_ERROR(ior::Validate(p));

  if (part.total_ranks() <= 0) return absl::InvalidArgumentError("total_ranks must be positive");
  if (part.ranks_size() == 0) return absl::InvalidArgumentError("no ranks assigned to this agent");
  plan.total_ranks = part.total_ranks();
  // Every agent of a job gets the same number of consecutive ranks.
  p.tasks_per_node = static_cast<uint64_t>(part.ranks_size());
  std::set<int> seen;
  for (int rank : part.ranks()) {
    if (rank < 0 || rank >= plan.total_ranks) {
      return absl::InvalidArgumentError(
          absl::StrCat("rank ", rank, " outside 0..", plan.total_ranks - 1));
    }
    if (!seen.insert(rank).second) return absl::InvalidArgumentError(absl::StrCat("rank ", rank, " given twice"));
    plan.ranks.push_back(rank);
  }
  if (part.sample_interval_ms() < 0) return absl::InvalidArgumentError("sample_interval_ms must not be negative");
  if (part.sample_interval_ms() > 0) plan.sample_interval = std::chrono::milliseconds(part.sample_interval_ms());
  plan.signature = part.signature();

  FTA_RETURN_IF_ERROR(CheckDirectory(p.directory));
  return plan;
}

}  // namespace fta::agent
