// Merging one IOR job per host into one result across hosts: the same job
// started together on several fta-hostds (`ior run --start-at T` from a
// Slurm step) measured the way IOR would have measured it had all those
// ranks been one MPI job: per iteration and phase, bytes over the span from
// the earliest open to the latest close over every rank of every host. The
// hosts' clocks are assumed synchronised (chrony/PTP); the cross-host start
// skew shows how well they were.
//
// Pure functions over the protos: ftactl prints a merge (`results merge`),
// hostd stores one (ImportService.StoreMergedJob), both through this.
//
//   absl::StatusOr<fta::v1::MergedJob> merged = MergeHostJobs({{"fta1", job1}, {"fta2", job2}});
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "fta/v1/common.pb.h"
#include "fta/v1/import.pb.h"
#include "fta/v1/job.pb.h"

namespace fta::hostd {

// At most this many hosts in one merge (a typo guard, not a capacity limit).
inline constexpr int kMaxMergedHosts = 4096;

struct HostJobPart {
  std::string host;    // 1-64 characters of [A-Za-z0-9_.-]
  fta::v1::Job job;    // finished, with its rank results
};

// The merge (proto/fta/v1/import.proto MergedJob): the job has engine
// ENGINE_MERGED and no id yet; ranks renumbered host after host in the
// order given, FTA ids "<host>/<fta id>", aggregates over every rank,
// summaries over iterations, `source` listing "host:job-id" per part.
// INVALID_ARGUMENT naming `parts[i]` and what does not fit: no parts, a
// host named twice or badly, a job not COMPLETED, without rank results, of
// different sizes (-t -b -s) or with different phases/iterations measured.
absl::StatusOr<fta::v1::MergedJob> MergeHostJobs(const std::vector<HostJobPart>& parts);

}  // namespace fta::hostd
