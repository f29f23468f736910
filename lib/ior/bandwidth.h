// IOR's bandwidth arithmetic across ranks and iterations.
//
// Per phase: bandwidth = total bytes / (max close end - min open start),
// MiB/s (2^20) and MB/s (10^6); IOPS = ops / (max xfer end - min xfer start).
// Over iterations: max/min/mean and *population* standard deviation of the
// per-iteration bandwidths, mean of the total times (ior-reference.md §3).
#pragma once

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "fta/v1/common.pb.h"
#include "lib/ior/posix_engine.h"

namespace fta::ior {

// One phase (write or read) of one iteration over all ranks, as the
// fta.v1.PhaseAggregate the API reports (iteration and phase are the
// caller's):
//   total_seconds = max(close end) - min(open start)   (the bandwidth denominator)
//   bandwidth_mib = bytes / total_seconds / 2^20, bandwidth_mb = ... / 10^6
//   iops = ops / xfer_seconds (0 when the transfer interval is empty)
//   open/xfer/close_seconds = max(end) - min(start) of that step
//   start_skew_seconds = max(open start) - min(open start)
//   all_active_seconds: the window in which every rank was active, [max(open
//     start), min(close end)]; 0 s when the ranks never overlapped (then its
//     bandwidth is 0 too). all_active_bandwidth_mib: the bytes moved inside
//     it, each rank's bytes prorated linearly over its own transfer interval
//     [xfer start, xfer end] (a rank is assumed to move data at a constant
//     rate while it transfers), over its length.
//   stonewall_min/max_ops: fewest and most transfers of the ranks that a -D
//     deadline stopped (0 when none was).
// FAILED_PRECONDITION for an empty list or a non-positive total interval.
absl::StatusOr<fta::v1::PhaseAggregate> AggregatePhase(const std::vector<PhaseMeasurement>& ranks);

// `per_iteration` holds one aggregate per iteration of the same phase. The
// per-iteration value is bandwidth_mib (bytes / total_seconds in MiB/s);
// bytes_per_iteration is the last iteration's bytes; the phase is the
// caller's. An empty list gives all zeros with iterations == 0.
fta::v1::PhaseSummary Summarize(const std::vector<fta::v1::PhaseAggregate>& per_iteration);

}  // namespace fta::ior
