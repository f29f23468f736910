#include "lib/ior/ior_spec.h"

#include <cstdint>
#include <utility>

#include "absl/strings/str_cat.h"

namespace fta::ior {

absl::Status ApplyEngineOptions(const fta::v1::IorSpec& spec, IorParams* params) {
  for (auto [value, flag] : {std::pair{spec.random_seed(), "random_seed (--random-seed)"},
                             std::pair{spec.stonewall_s(), "stonewall_s (-D)"},
                             std::pair{spec.inter_test_delay_s(), "inter_test_delay_s (--delay)"},
                             std::pair{spec.max_minutes(), "max_minutes (-T)"}}) {
    if (value < 0)
      return absl::InvalidArgumentError(absl::StrCat(flag, " must not be negative, got ", value));
  }
  params->fsync_per_write = spec.fsync_per_write();
  params->random_offset = spec.random_offset();
  params->random_seed = static_cast<uint64_t>(spec.random_seed());
  params->deadline_seconds = static_cast<uint64_t>(spec.stonewall_s());
  params->stonewall_wear_out = spec.stonewall_wear_out();
  params->inter_test_delay_seconds = static_cast<uint64_t>(spec.inter_test_delay_s());
  params->max_minutes = static_cast<uint64_t>(spec.max_minutes());
  params->intra_test_barriers = spec.intra_test_barriers();
  params->unique_dir = spec.unique_dir();
  params->odirect = spec.odirect();
  return absl::OkStatus();
}

}  // namespace fta::ior
