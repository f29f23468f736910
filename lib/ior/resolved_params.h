// IorParams on the agent protocol: fta-hostd resolves a job's IorSpec once
// (ResolveSpec) and ships the result as fta.agent.v1.IorParameters; the agent
// reads it back without applying a default of its own, so both sides run
// exactly the same parameters.
//
//   part->mutable_params() = EncodeParams(params, fta::v1::ENGINE_BUILTIN);
//   FTA_ASSIGN_OR_RETURN(ResolvedParams resolved, DecodeParams(part.params()));
#pragma once

#include "absl/status/statusor.h"
#include "fta/agent/v1/agent.pb.h"
#include "fta/v1/common.pb.h"
#include "lib/ior/ior_params.h"

namespace fta::ior {

// `engine`: what runs the ranks (ENGINE_BUILTIN or ENGINE_IOR).
fta::agent::v1::IorParameters EncodeParams(const IorParams& params, fta::v1::Engine engine);

struct ResolvedParams {
  IorParams params;
  fta::v1::Engine engine = fta::v1::ENGINE_BUILTIN;
};

// The inverse of EncodeParams, refusing what a resolution never produces
// (an engine other than BUILTIN/IOR, a size <= 0, a count below IOR's
// minimum of 1, neither write nor read, a negative seed or time, an empty
// file name) as INVALID_ARGUMENT naming the field ("params.segments: 0, ..."),
// then Validate(). Leaves tasks_per_node at 1: it follows from the part's
// ranks, not from the spec.
absl::StatusOr<ResolvedParams> DecodeParams(const fta::agent::v1::IorParameters& wire);

}  // namespace fta::ior
