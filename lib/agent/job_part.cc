#include "lib/agent/job_part.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "lib/core/status_macros.h"
#include "lib/ior/ior_spec.h"

namespace fta::agent {
namespace {

absl::StatusOr<uint64_t> Size(int64_t value, const char* flag) {
  if (value <= 0) return absl::InvalidArgumentError(absl::StrCat(flag, " must be positive"));
  return static_cast<uint64_t>(value);
}

}  // namespace

absl::StatusOr<PartPlan> PlanFromJobPart(const v1::JobPart& part) {
  PartPlan plan;
  plan.engine = part.spec().engine() == v1::ENGINE_IOR ? "ior" : "builtin";
  // The same reading of the spec as the daemon's (ior::ResolveSpec); the
  // sizes it parsed travel as numbers and are taken as sent.
  FTA_ASSIGN_OR_RETURN(plan.params, ior::ResolveSpec(part.spec()));
  ior::IorParams& p = plan.params;
  FTA_ASSIGN_OR_RETURN(p.transfer_size, Size(part.transfer_size_bytes(), "-t"));
  FTA_ASSIGN_OR_RETURN(p.block_size, Size(part.block_size_bytes(), "-b"));
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

  // What only this host can say: the directory as its ranks will use it.
  FTA_RETURN_IF_ERROR(ior::CheckDirectoryWritable("directory (-d)", p.directory));
  return plan;
}

}  // namespace fta::agent
