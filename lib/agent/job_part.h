// Turning a JobPart from fta-hostd into what the agent runs, with every check
// that can be made before a file is touched. Errors are INVALID_ARGUMENT and
// their message is what the
// agent sends back in PartFailed, so it names the problem in operator terms.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "fta/v1/agent.pb.h"
#include "lib/ior/ior_params.h"

namespace fta::agent {

inline constexpr std::chrono::milliseconds kDefaultSampleInterval{1000};

struct PartPlan {
  ior::IorParams params;
  std::vector<int> ranks;  // global rank numbers run by this agent
  int total_ranks = 0;
  int64_t signature = 0;
  std::string engine = "builtin";  // "builtin" | "ior" (the real binary)
  std::chrono::milliseconds sample_interval = kDefaultSampleInterval;
};

// The spec read by ior::ResolveSpec (the daemon's reading: IOR's defaults,
// engine options), sizes from the *_bytes fields the daemon parsed, the rank
// list checked against total_ranks, then what only this host can check: the
// directory (ior::CheckDirectoryWritable).
absl::StatusOr<PartPlan> PlanFromJobPart(const v1::JobPart& part);

}  // namespace fta::agent
