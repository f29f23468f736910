#include "lib/jobs/job_results.h"

#include <algorithm>

#include "lib/core/status_macros.h"
#include "lib/ior/bandwidth.h"

namespace fta::hostd {
namespace {

ior::PhaseMeasurement MeasurementOf(const fta::v1::RankPhaseResult& result) {
  ior::PhaseMeasurement m;
  m.open_start_ns = result.open_start_ns();
  m.open_end_ns = result.open_end_ns();
  m.xfer_start_ns = result.xfer_start_ns();
  m.xfer_end_ns = result.xfer_end_ns();
  m.close_start_ns = result.close_start_ns();
  m.close_end_ns = result.close_end_ns();
  m.bytes = static_cast<uint64_t>(result.bytes());
  m.ops = static_cast<uint64_t>(result.ops());
  m.stonewall_ops = static_cast<uint64_t>(std::max<int64_t>(result.stonewall_ops(), 0));
  m.stonewall_ns = result.stonewall_ns();
  return m;
}

}  // namespace

absl::StatusOr<fta::v1::PhaseAggregate> AggregatePhaseResults(int iteration, fta::v1::Phase phase,
                                                              const std::vector<fta::v1::RankPhaseResult>& results) {
  std::vector<ior::PhaseMeasurement> measurements;
  for (const auto& result : results) measurements.push_back(MeasurementOf(result));
  FTA_ASSIGN_OR_RETURN(ior::PhaseAggregateValues values, ior::AggregatePhase(measurements));
  fta::v1::PhaseAggregate aggregate;
  aggregate.set_iteration(iteration);
  aggregate.set_phase(phase);
  aggregate.set_bytes(static_cast<int64_t>(values.bytes));
  aggregate.set_total_seconds(values.total_seconds);
  aggregate.set_bandwidth_mib(values.bandwidth_mib);
  aggregate.set_bandwidth_mb(values.bandwidth_mb);
  aggregate.set_iops(values.iops);
  aggregate.set_open_seconds(values.open_seconds);
  aggregate.set_xfer_seconds(values.xfer_seconds);
  aggregate.set_close_seconds(values.close_seconds);
  aggregate.set_start_skew_seconds(values.start_skew_seconds);
  aggregate.set_ranks(values.ranks);
  aggregate.set_all_active_seconds(values.all_active_seconds);
  aggregate.set_all_active_bandwidth_mib(values.all_active_bandwidth_mib);
  for (const auto& result : results) {
    if (result.stonewall_ops() <= 0) continue;
    if (aggregate.stonewall_min_ops() == 0 || result.stonewall_ops() < aggregate.stonewall_min_ops()) {
      aggregate.set_stonewall_min_ops(result.stonewall_ops());
    }
    aggregate.set_stonewall_max_ops(std::max(aggregate.stonewall_max_ops(), result.stonewall_ops()));
  }
  return aggregate;
}

std::vector<fta::v1::PhaseSummary> SummarizeIterations(const fta::v1::Job& job) {
  std::vector<fta::v1::PhaseSummary> summaries;
  for (fta::v1::Phase phase : {fta::v1::PHASE_WRITE, fta::v1::PHASE_READ}) {
    std::vector<ior::PhaseAggregateValues> per_iteration;
    int64_t bytes = 0;
    for (const auto& aggregate : job.aggregates()) {
      if (aggregate.phase() != phase) continue;
      ior::PhaseAggregateValues values;
      values.bandwidth_mib = aggregate.bandwidth_mib();
      values.total_seconds = aggregate.total_seconds();
      values.bytes = static_cast<uint64_t>(aggregate.bytes());
      per_iteration.push_back(values);
      bytes = aggregate.bytes();
    }
    if (per_iteration.empty()) continue;
    ior::SummaryValues values = ior::Summarize(per_iteration);
    fta::v1::PhaseSummary summary;
    summary.set_phase(phase);
    summary.set_max_mib(values.max_mib);
    summary.set_min_mib(values.min_mib);
    summary.set_mean_mib(values.mean_mib);
    summary.set_stddev_mib(values.stddev_mib);
    summary.set_mean_seconds(values.mean_seconds);
    summary.set_bytes_per_iteration(bytes);
    summary.set_iterations(values.iterations);
    summaries.push_back(summary);
  }
  return summaries;
}

}  // namespace fta::hostd
