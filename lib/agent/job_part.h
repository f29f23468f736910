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
#include "fta/agent/v1/agent.pb.h"
#include "lib/ior/ior_params.h"

namespace fta::agent {

inline constexpr std::chrono::milliseconds kDefaultSampleInterval{1000};

struct PartPlan {
  ior::IorParams params;
  std::vector<int> ranks;  // global rank numbers run by this agent
  int total_ranks = 0;
  int64_t signature = 0;
  fta::v1::Engine engine = fta::v1::ENGINE_BUILTIN;  // or ENGINE_IOR (the real binary)
  std::chrono::milliseconds sample_interval = kDefaultSampleInterval;
  std::chrono::milliseconds sample_batch{0};  // 0: samples sent alone (SampleBatcher)
};

// The parameters fta-hostd resolved, taken as sent (ior::DecodeParams refuses
// an inconsistent set: no default is applied here), the rank list checked
// against total_ranks, then what only this host can decide: IOR's rules on
// these numbers again (O_DIRECT alignment) and the directory as this host
// sees it (ior::CheckDirectoryWritable).
absl::StatusOr<PartPlan> PlanFromJobPart(const v1::JobPart& part);

}  // namespace fta::agent
