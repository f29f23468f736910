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
#include "lib/ior/posix_engine.h"

namespace fta::ior {

struct PhaseAggregateValues {
  uint64_t bytes = 0;
  uint64_t ops = 0;
  double total_seconds = 0;
  double bandwidth_mib = 0;
  double bandwidth_mb = 0;
  double iops = 0;
  double open_seconds = 0;          // max(open end) - min(open start)
  double xfer_seconds = 0;          // max(xfer end) - min(xfer start)
  double close_seconds = 0;         // max(close end) - min(close start)
  double start_skew_seconds = 0;    // max(open start) - min(open start)
  int64_t first_open_start_ns = 0;  // min(open start): start of the bandwidth interval
  int64_t last_close_end_ns = 0;    // max(close end): end of the bandwidth interval
  int ranks = 0;
  // The window in which every rank was active: [max(open start), min(close
  // end)]; 0 s when the ranks never overlapped (then the bandwidth is 0 too).
  double all_active_seconds = 0;
  // Bytes moved inside that window, each rank's bytes prorated linearly over
  // its own transfer interval [xfer start, xfer end] (a rank is assumed to
  // move data at a constant rate while it transfers); the rate of the window
  // is all_active_bytes / all_active_seconds.
  double all_active_bytes = 0;
  double all_active_bandwidth_mib = 0;
};

// One phase (write or read) of one iteration over all ranks:
//   total_seconds = max(close end) - min(open start)   (the bandwidth denominator)
//   bandwidth_mib = bytes / total_seconds / 2^20, bandwidth_mb = ... / 10^6
//   iops = ops / xfer_seconds (0 when the transfer interval is empty)
//   all_active_* as described in PhaseAggregateValues
// FAILED_PRECONDITION for an empty list or a non-positive total interval.
absl::StatusOr<PhaseAggregateValues> AggregatePhase(const std::vector<PhaseMeasurement>& ranks);

struct SummaryValues {
  double max_mib = 0;
  double max_mb = 0;  // IOR's "Max Write: X MiB/sec (Y MB/sec)"
  double min_mib = 0;
  double mean_mib = 0;
  double stddev_mib = 0;  // population (divide by N)
  double mean_seconds = 0;
  int iterations = 0;
};

// `per_iteration` holds one aggregate per iteration of the same phase. The
// per-iteration value is bytes / total_seconds in MiB/s. An empty list gives
// all zeros with iterations == 0.
SummaryValues Summarize(const std::vector<PhaseAggregateValues>& per_iteration);

}  // namespace fta::ior
