#include "lib/jobs/start_at.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace fta::hostd {

absl::Status ValidateStartAt(int64_t start_at_unix_ms, int64_t now_unix_ms, const ior::IorParams& params) {
  if (start_at_unix_ms == 0) return absl::OkStatus();
  if (params.intra_test_barriers) {
    return absl::InvalidArgumentError(
        "start_at: cannot be combined with -g (intra_test_barriers): its barriers are kept by each fta-hostd "
        "for its own ranks, so ranks on different hosts started together could never meet at one");
  }
  const absl::Duration lead = absl::Milliseconds(start_at_unix_ms - now_unix_ms);
  if (lead < absl::ZeroDuration()) {
    return absl::InvalidArgumentError(absl::StrCat("start_at: ", absl::FormatDuration(-lead),
                                                   " in the past (", start_at_unix_ms, " ms, now ", now_unix_ms,
                                                   " ms): pick a time a few seconds ahead"));
  }
  if (lead < kStartAtMinLead) {
    return absl::InvalidArgumentError(absl::StrCat(
        "start_at: only ", absl::FormatDuration(lead), " ahead; the parts need at least ",
        absl::FormatDuration(kStartAtMinLead), " to be READY before it"));
  }
  if (lead > kStartAtMaxLead) {
    return absl::InvalidArgumentError(absl::StrCat("start_at: ", absl::FormatDuration(lead),
                                                   " ahead is more than the cap of ",
                                                   absl::FormatDuration(kStartAtMaxLead),
                                                   " (milliseconds given as seconds?)"));
  }
  return absl::OkStatus();
}

int64_t FirstGoAt(int64_t computed_unix_ns, int64_t start_at_unix_ms) {
  return std::max(computed_unix_ns, start_at_unix_ms * 1'000'000);
}

}  // namespace fta::hostd
