// A job's measured results from what its agents reported: one phase's
// aggregate computed the IOR way (bytes over the span from the earliest open
// to the latest close, the all-ranks-active window, start skew, stonewall
// counts), and the summaries over iterations (max/min/mean/stddev). Pure
// functions over the protos; the job coordinator stores and publishes them.
#pragma once

#include <vector>

#include "absl/status/statusor.h"
#include "fta/v1/common.pb.h"
#include "fta/v1/job.pb.h"

namespace fta::hostd {

// `results`: every rank's result of this iteration and phase. Links are not
// filled (the coordinator's link meter adds them).
absl::StatusOr<fta::v1::PhaseAggregate> AggregatePhaseResults(int iteration, fta::v1::Phase phase,
                                                              const std::vector<fta::v1::RankPhaseResult>& results);

// One summary per measured phase (write, then read) over the job's
// aggregates; none for a phase without any.
std::vector<fta::v1::PhaseSummary> SummarizeIterations(const fta::v1::Job& job);

}  // namespace fta::hostd
