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

absl::StatusOr<fta::v1::PhaseAggregate> AggregatePhase(const std::vector<PhaseMeasurement>& ranks) {
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
  uint64_t bytes = 0;
  uint64_t ops = 0;
  fta::v1::PhaseAggregate out;
  for (const PhaseMeasurement& m : ranks) {
    min_open_start = std::min(min_open_start, m.open_start_ns);
    max_open_start = std::max(max_open_start, m.open_start_ns);
    max_open_end = std::max(max_open_end, m.open_end_ns);
    min_xfer_start = std::min(min_xfer_start, m.xfer_start_ns);
    max_xfer_end = std::max(max_xfer_end, m.xfer_end_ns);
    min_close_start = std::min(min_close_start, m.close_start_ns);
    max_close_end = std::max(max_close_end, m.close_end_ns);
    min_close_end = std::min(min_close_end, m.close_end_ns);
    bytes += m.bytes;
    ops += m.ops;
    const auto stonewall_ops = static_cast<int64_t>(m.stonewall_ops);
    if (stonewall_ops > 0) {
      if (out.stonewall_min_ops() == 0 || stonewall_ops < out.stonewall_min_ops()) {
        out.set_stonewall_min_ops(stonewall_ops);
      }
      out.set_stonewall_max_ops(std::max(out.stonewall_max_ops(), stonewall_ops));
    }
  }
  if (max_close_end <= min_open_start) {
    return absl::FailedPreconditionError(absl::StrCat("phase interval is not positive: last close end ",
                                                      max_close_end, " ns <= first open start ",
                                                      min_open_start, " ns (clocks out of sync?)"));
  }
  out.set_bytes(static_cast<int64_t>(bytes));
  out.set_ranks(static_cast<int32_t>(ranks.size()));
  out.set_total_seconds(Seconds(min_open_start, max_close_end));
  out.set_open_seconds(Seconds(min_open_start, max_open_end));
  out.set_xfer_seconds(Seconds(min_xfer_start, max_xfer_end));
  out.set_close_seconds(Seconds(min_close_start, max_close_end));
  out.set_start_skew_seconds(Seconds(min_open_start, max_open_start));
  out.set_bandwidth_mib(static_cast<double>(bytes) / out.total_seconds() / kMebibyte);
  out.set_bandwidth_mb(static_cast<double>(bytes) / out.total_seconds() / kMegabyte);
  out.set_iops(out.xfer_seconds() > 0 ? static_cast<double>(ops) / out.xfer_seconds() : 0);
  if (min_close_end > max_open_start) {
    const int64_t window_start = max_open_start;
    const int64_t window_end = min_close_end;
    double window_bytes = 0;
    for (const PhaseMeasurement& m : ranks) {
      const int64_t xfer_length = m.xfer_end_ns - m.xfer_start_ns;
      if (xfer_length <= 0) {
        if (m.xfer_start_ns >= window_start && m.xfer_start_ns <= window_end) {
          window_bytes += static_cast<double>(m.bytes);
        }
        continue;
      }
      const int64_t overlap = std::min(window_end, m.xfer_end_ns) - std::max(window_start, m.xfer_start_ns);
      if (overlap <= 0) continue;
      window_bytes += static_cast<double>(m.bytes) * static_cast<double>(overlap) / static_cast<double>(xfer_length);
    }
    out.set_all_active_seconds(Seconds(window_start, window_end));
    out.set_all_active_bandwidth_mib(window_bytes / out.all_active_seconds() / kMebibyte);
  }
  return out;
}

fta::v1::PhaseSummary Summarize(const std::vector<fta::v1::PhaseAggregate>& per_iteration) {
  fta::v1::PhaseSummary out;
  if (per_iteration.empty()) return out;
  const double n = static_cast<double>(per_iteration.size());
  out.set_iterations(static_cast<int32_t>(per_iteration.size()));
  out.set_bytes_per_iteration(per_iteration.back().bytes());
  double max_mib = per_iteration.front().bandwidth_mib();
  double min_mib = max_mib;
  double sum_mib = 0;
  double sum_seconds = 0;
  for (const fta::v1::PhaseAggregate& it : per_iteration) {
    max_mib = std::max(max_mib, it.bandwidth_mib());
    min_mib = std::min(min_mib, it.bandwidth_mib());
    sum_mib += it.bandwidth_mib();
    sum_seconds += it.total_seconds();
  }
  const double mean_mib = sum_mib / n;
  // Population standard deviation (divide by N), as IOR prints it.
  double squares = 0;
  for (const fta::v1::PhaseAggregate& it : per_iteration) {
    const double d = it.bandwidth_mib() - mean_mib;
    squares += d * d;
  }
  out.set_max_mib(max_mib);
  out.set_min_mib(min_mib);
  out.set_mean_mib(mean_mib);
  out.set_stddev_mib(std::sqrt(squares / n));
  out.set_mean_seconds(sum_seconds / n);
  return out;
}

}  // namespace fta::ior
