// --start-at: a job whose first phase starts at an agreed absolute time, so
// the same job started on several hosts (one `ftactl ior run` per host from
// a Slurm step, whose launch skew is 20-150 ms) starts together. The parts
// go out and come back READY before that time; the first GO is due at it.
//
//   FTA_RETURN_IF_ERROR(ValidateStartAt(request.start_at_unix_ms(), clock.NowUnixMillis(), params));
#pragma once

#include <cstdint>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "lib/ior/ior_params.h"

namespace fta::hostd {

// What sending the parts and collecting READY needs at least: a start closer
// than this would be late before the agents are ready.
inline constexpr absl::Duration kStartAtMinLead = absl::Seconds(1);
// Further than this is a unit mistake (ms given as s), not a plan.
inline constexpr absl::Duration kStartAtMaxLead = absl::Hours(24);

// OK for 0 (no start time). INVALID_ARGUMENT naming start_at when the time
// is past, closer than kStartAtMinLead or further than kStartAtMaxLead, and
// with -g (intra_test_barriers): those barriers are hostd's, so ranks on
// different hosts could never meet at one.
absl::Status ValidateStartAt(int64_t start_at_unix_ms, int64_t now_unix_ms, const ior::IorParams& params);

// When the first GO of a job is due: the later of `computed` (now plus the
// usual lead) and the job's start time. unix ns; start_at_unix_ms 0 = none.
int64_t FirstGoAt(int64_t computed_unix_ns, int64_t start_at_unix_ms);

}  // namespace fta::hostd
