#include "lib/agent/job_part.h"

#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "lib/core/status_macros.h"
#include "lib/ior/ior_spec.h"
#include "lib/ior/resolved_params.h"

namespace fta::agent {

absl::StatusOr<PartPlan> PlanFromJobPart(const v1::JobPart& part) {
  if (!part.has_params()) return absl::InvalidArgumentError("params: missing (is fta-hostd of the same version?)");
  PartPlan plan;
  FTA_ASSIGN_OR_RETURN(ior::ResolvedParams resolved, ior::DecodeParams(part.params()));
  plan.engine = resolved.engine;
  plan.params = std::move(resolved.params);
  ior::IorParams& p = plan.params;

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
  if (part.sample_batch_ms() < 0) return absl::InvalidArgumentError("sample_batch_ms must not be negative");
  plan.sample_batch = std::chrono::milliseconds(part.sample_batch_ms());
  plan.signature = part.signature();

  // What only this host can say: the directory as its ranks will use it.
  FTA_RETURN_IF_ERROR(ior::CheckDirectoryWritable("directory (-d)", p.directory));
  return plan;
}

}  // namespace fta::agent
