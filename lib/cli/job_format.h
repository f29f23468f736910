// The table-mode view of one IOR job, as printed by `job show`, at the end of
// `ior run` / `job watch`, and after `job cancel`.
//
// Sections, in the order an operator reads them:
//   header      id, state, engine, the IOR options, targets, times, error
//   RESULTS     one row per iteration and phase: bytes, MiB/s, MB/s, total
//               seconds, start skew, IOPS (the poster's numbers)
//   SUMMARY     max/min/mean/stddev MiB/s per phase, only with > 1 iteration
//   AGENTS      one row per FTA: ranks, state, error
//   RANKS       one row per rank and phase, with open-start and close-end in
//               seconds since the job's earliest open start, which shows at a
//               glance who started late and who finished last
// Empty sections are left out, so a job that failed before running prints
// just its header and agents.
#pragma once

#include <string>

#include "fta/v1/job.grpc.pb.h"
#include "lib/cli/format.h"

namespace fta::cli {

std::string RenderJobDetail(const v1::Job& job, const FormatOptions& options);

// The IOR command line the job corresponds to, e.g. "-t 1m -b 48g -i 3 -w -r -e".
std::string IorArguments(const v1::Job& job);

}  // namespace fta::cli
