// A job's measured results from what its agents reported: one phase's
// aggregate computed the IOR way (bytes over the span from the earliest open
// to the latest close, the all-ranks-active window, start skew, stonewall
// counts), and the summaries over iterations (max/min/mean/stddev). Pure
// functions over the protos; the job coordinator stores and publishes them.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "fta/v1/common.pb.h"
#include "fta/v1/job.pb.h"
#include "lib/ior/ior_params.h"

namespace fta::hostd {

// `results`: every rank's result of this iteration and phase. Links are not
// filled (the coordinator's link meter adds them).
absl::StatusOr<fta::v1::PhaseAggregate> AggregatePhaseResults(int iteration, fta::v1::Phase phase,
                                                              const std::vector<fta::v1::RankPhaseResult>& results);

// For a read phase: "" when its bytes had to come from the files' storage as
// far as hostd can tell, else why they were likely served from the page
// cache: no -C shift (each rank reads the file it just wrote), no O_DIRECT,
// and the files (aggregate bytes) smaller than `available_memory_bytes`
// (MemAvailable when the phase ended; < 0 unknown: no note). Writes: "".
std::string CacheNote(const fta::v1::PhaseAggregate& aggregate, const ior::IorParams& params, int total_ranks,
                      int64_t available_memory_bytes);

// For a sweep run's note: "read likely cache-served (...)" when any read
// aggregate of `job` carries a cache note, else "".
std::string CachedReadNote(const fta::v1::Job& job);

// One summary per measured phase (write, then read) over the job's
// aggregates; none for a phase without any.
std::vector<fta::v1::PhaseSummary> SummarizeIterations(const fta::v1::Job& job);

}  // namespace fta::hostd
