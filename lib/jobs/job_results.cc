#include "lib/jobs/job_results.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "lib/core/status_macros.h"
#include "lib/core/units.h"
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
  FTA_ASSIGN_OR_RETURN(fta::v1::PhaseAggregate aggregate, ior::AggregatePhase(measurements));
  aggregate.set_iteration(iteration);
  aggregate.set_phase(phase);
  return aggregate;
}

std::string CacheNote(const fta::v1::PhaseAggregate& aggregate, const ior::IorParams& params, int total_ranks,
                      int64_t available_memory_bytes) {
  if (aggregate.phase() != fta::v1::PHASE_READ || params.odirect || available_memory_bytes < 0) return "";
  for (int rank = 0; rank < total_ranks; ++rank) {
    if (ior::ReadTargetRank(params, rank, total_ranks) != rank) return "";
  }
  if (aggregate.bytes() >= available_memory_bytes) return "";
  return absl::StrCat("likely cache-served: each rank read back the file it wrote (no -C shift), without O_DIRECT, ",
                      FormatSize(static_cast<uint64_t>(aggregate.bytes())), " < ",
                      FormatSize(static_cast<uint64_t>(available_memory_bytes)),
                      " memory available; use --odirect, -C or files larger than memory");
}

std::string CachedReadNote(const fta::v1::Job& job) {
  for (const fta::v1::PhaseAggregate& a : job.aggregates()) {
    if (a.phase() == fta::v1::PHASE_READ && !a.cache_note().empty()) {
      return "read likely cache-served (no -C shift, no O_DIRECT, files smaller than available memory)";
    }
  }
  return "";
}

std::vector<fta::v1::PhaseSummary> SummarizeIterations(const fta::v1::Job& job) {
  std::vector<fta::v1::PhaseSummary> summaries;
  for (fta::v1::Phase phase : {fta::v1::PHASE_WRITE, fta::v1::PHASE_READ}) {
    std::vector<fta::v1::PhaseAggregate> per_iteration;
    for (const auto& aggregate : job.aggregates()) {
      if (aggregate.phase() == phase) per_iteration.push_back(aggregate);
    }
    if (per_iteration.empty()) continue;
    summaries.push_back(ior::Summarize(per_iteration));
    summaries.back().set_phase(phase);
  }
  return summaries;
}

}  // namespace fta::hostd
