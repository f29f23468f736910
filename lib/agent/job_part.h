// Turning a JobPart from fta-hostd into what the agent runs, with every check
// that can be made before a file is touched. Errors are INVALID_ARGUMENT (or
// the errno-derived code for the directory) and their message is what the
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

// Sizes come from the *_bytes fields (the daemon already parsed the strings);
// segments, iterations and task_offset of 0 mean 1; neither write nor read
// means both, as in IOR; an empty file name means "testfile". Runs
// ior::Validate, checks the rank list against total_ranks and the engine
// choice, then CheckDirectory.
absl::StatusOr<PartPlan> PlanFromJobPart(const v1::JobPart& part);

// `directory` must exist, be a directory and be writable and searchable by
// this process. Message: "directory /x: No such file or directory".
absl::Status CheckDirectory(const std::string& directory);

}  // namespace fta::agent
