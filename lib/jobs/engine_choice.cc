#include "lib/jobs/engine_choice.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace fta::hostd {
namespace {

// The first option the real-ior engine cannot run (one single-process ior
// per rank and phase has no MPI to meet the other agents' ranks), or "".
std::string UnsupportedByIor(const ior::IorParams& params) {
  if (params.intra_test_barriers) return "intra_test_barriers (-g)";
  if (params.deadline_seconds != 0) return "stonewall_s (-D)";
  if (params.stonewall_wear_out) return "stonewall_wear_out";
  if (params.unique_dir) return "unique_dir (-u)";
  if (params.verify_read) return "read verification";
  return "";
}

}  // namespace

absl::StatusOr<EngineChoice> ChooseEngine(const fta::v1::IorSpec& spec, const ior::IorParams& params,
                                          const std::vector<fta::v1::Fta>& targets) {
  EngineChoice builtin{fta::v1::ENGINE_BUILTIN, "", "engine"};
  if (spec.engine() == fta::v1::ENGINE_BUILTIN) return builtin;
  std::string without_ior;
  std::set<std::string> versions;
  for (const fta::v1::Fta& fta : targets) {
    if (fta.ior_path().empty()) {
      if (without_ior.empty()) without_ior = fta.id();
      continue;
    }
    versions.insert(fta.ior_version());
  }
  std::string unsupported = UnsupportedByIor(params);
  if (spec.engine() == fta::v1::ENGINE_IOR) {
    if (!without_ior.empty()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "engine: ior requested but ", without_ior,
          " reported no ior binary (fta-agent --ior PATH, or ior in the agent's PATH); use engine builtin"));
    }
    if (!unsupported.empty()) {
      return absl::InvalidArgumentError(absl::StrCat("engine: ior cannot run ", unsupported,
                                                     " across agents; use engine builtin"));
    }
  } else if (targets.empty() || !without_ior.empty() || !unsupported.empty()) {
    return builtin;
  }
  return EngineChoice{fta::v1::ENGINE_IOR, absl::StrJoin(versions, ","), "agent-wallclock"};
}

}  // namespace fta::hostd
