#include "lib/jobs/engine_choice.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace fta::hostd {

absl::StatusOr<EngineChoice> ChooseEngine(const fta::v1::IorSpec& spec, const ior::IorParams& params,
                                          const std::vector<fta::v1::Fta>& targets, const std::string& mpi_problem) {
  if (spec.engine() != fta::v1::ENGINE_IOR) return EngineChoice{fta::v1::ENGINE_BUILTIN, "", "engine"};
  if (!mpi_problem.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("engine: ior runs IOR under mpirun, but ", mpi_problem, "; use engine builtin"));
  }
  std::set<std::string> versions;
  for (const fta::v1::Fta& fta : targets) {
    if (fta.ior_path().empty()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "engine: ior requested but ", fta.id(),
          " reported no ior binary (fta-agent --ior PATH, or ior in the agent's PATH); use engine builtin"));
    }
    versions.insert(fta.ior_version());
  }
  if (params.random_seed != 0) {
    return absl::InvalidArgumentError("random_seed: IOR seeds -z itself; not with engine ior");
  }
  return EngineChoice{fta::v1::ENGINE_IOR, absl::StrJoin(versions, ","), "ior-reported"};
}

}  // namespace fta::hostd
