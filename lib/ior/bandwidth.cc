#include "lib/ior/bandwidth.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"

namespace fta::ior {
namespace {

constexpr double kNanosPerSecond = 1e9;
constexpr double kMebibyte = 1024.0 * 1024.0;
constexpr double kMegabyte = 1e6;

double Seconds(int64_t start_ns, int64_t end_ns) {
  return static_cast<double>(end_ns - start_ns) / kNanosPerSecond;
}

}  // namespace

absl::StatusOr<PhaseAggregateValues> AggregatePhase(const std::vector<PhaseMeasurement>& ranks) {
  if (ranks.empty()) {
    return absl::FailedPreconditionError("cannot aggregate a phase without any rank measurement");
  }
  // Like IOR's ReduceIterResults: MIN of every start, MAX of every end.
  const PhaseMeasurement& first = ranks.front();
  int64_t min_open_start = first.open_start_ns, max_open_start = first.open_start_ns;
  int64_t max_open_end = first.open_end_ns;
  int64_t min_xfer_start = first.xfer_start_ns, max_xfer_end = first.xfer_end_ns;
  int64_t min_close_start = first.close_start_ns, max_close_end = first.close_end_ns;
  int64_t min_close_end = first.close_end_ns;
  PhaseAggregateValues out;
  for (const PhaseMeasurement& m : ranks) {
    min_open_start = std::min(min_open_start, m.open_start_ns);
    max_open_start = std::max(max_open_start, m.open_start_ns);
    max_open_end = std::max(max_open_end, m.open_end_ns);
    min_xfer_start = std::min(min_xfer_start, m.xfer_start_ns);
    max_xfer_end = std::max(max_xfer_end, m.xfer_end_ns);
    min_close_start = std::min(min_close_start, m.close_start_ns);
    max_close_end = std::max(max_close_end, m.close_end_ns);
    min_close_end = std::min(min_close_end, m.close_end_ns);
    out.bytes += m.bytes;
    out.ops += m.ops;
  }
  if (max_close_end <= min_open_start) {
    return absl::FailedPreconditionError(absl::StrCat("phase interval is not positive: last close end ",
                                                      max_close_end, " ns <= first open start ",
                                                      min_open_start, " ns (clocks out of sync?)"));
  }
  out.ranks = static_cast<int>(ranks.size());
  out.first_open_start_ns = min_open_start;
  out.last_close_end_ns = max_close_end;
  out.total_seconds = Seconds(min_open_start, max_close_end);
  out.open_seconds = Seconds(min_open_start, max_open_end);
  out.xfer_seconds = Seconds(min_xfer_start, max_xfer_end);
  out.close_seconds = Seconds(min_close_start, max_close_end);
  out.start_skew_seconds = Seconds(min_open_start, max_open_start);
  const double bytes = static_cast<double>(out.bytes);
  out.bandwidth_mib = bytes / out.total_seconds / kMebibyte;
  out.bandwidth_mb = bytes / out.total_seconds / kMegabyte;
  out.iops = out.xfer_seconds > 0 ? static_cast<double>(out.ops) / out.xfer_seconds : 0;
  if (min_close_end > max_open_start) {
    const int64_t window_start = max_open_start;
    const int64_t window_end = min_close_end;
    for (const PhaseMeasurement& m : ranks) {
      const int64_t xfer_length = m.xfer_end_ns - m.xfer_start_ns;
      if (xfer_length <= 0) {
        if (m.xfer_start_ns >= window_start && m.xfer_start_ns <= window_end) {
          out.all_active_bytes += static_cast<double>(m.bytes);
        }
        continue;
      }
      const int64_t overlap = std::min(window_end, m.xfer_end_ns) - std::max(window_start, m.xfer_start_ns);
      if (overlap <= 0) continue;
      out.all_active_bytes +=
          static_cast<double>(m.bytes) * static_cast<double>(overlap) / static_cast<double>(xfer_length);
    }
    out.all_active_seconds = Seconds(window_start, window_end);
    out.all_active_bandwidth_mib = out.all_active_bytes / out.all_active_seconds / kMebibyte;
  }
  return out;
}

SummaryValues Summarize(const std::vector<PhaseAggregateValues>& per_iteration) {
  SummaryValues out;
  if (per_iteration.empty()) return out;
  const double n = static_cast<double>(per_iteration.size());
  out.iterations = static_cast<int>(per_iteration.size());
  out.max_mib = per_iteration.front().bandwidth_mib;
  out.min_mib = per_iteration.front().bandwidth_mib;
  out.max_mb = per_iteration.front().bandwidth_mb;
  double sum_mib = 0;
  double sum_seconds = 0;
  for (const PhaseAggregateValues& it : per_iteration) {
    out.max_mib = std::max(out.max_mib, it.bandwidth_mib);
    out.min_mib = std::min(out.min_mib, it.bandwidth_mib);
    out.max_mb = std::max(out.max_mb, it.bandwidth_mb);
    sum_mib += it.bandwidth_mib;
    sum_seconds += it.total_seconds;
  }
  out.mean_mib = sum_mib / n;
  out.mean_seconds = sum_seconds / n;
  // Population standard deviation (divide by N), as IOR prints it.
  double squares = 0;
  for (const PhaseAggregateValues& it : per_iteration) {
    const double d = it.bandwidth_mib - out.mean_mib;
    squares += d * d;
  }
  out.stddev_mib = std::sqrt(squares / n);
  return out;
}

}  // namespace fta::ior
