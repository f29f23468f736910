// IorSpec (the API's job description) -> the engine options of IorParams
// that fta-hostd and fta-agent both read the same way.
#pragma once

#include "absl/status/status.h"
#include "fta/v1/common.pb.h"
#include "lib/ior/ior_params.h"

namespace fta::ior {

// Copies -Y -z (seed) -D --stonewall-wear-out --delay -T -g -u --odirect
// from `spec` into `params`. Negative numbers are INVALID_ARGUMENT naming the
// field; everything else is left to Validate().
absl::Status ApplyEngineOptions(const fta::v1::IorSpec& spec, IorParams* params);

}  // namespace fta::ior
