// The table-mode view of `ftactl results merge`: the merged job as `job show`
// prints it (its RESULTS are the IOR-way aggregate over every rank of every
// host), then one row per host, iteration and phase with that host's own
// figures and how late its first open came after the earliest host's, then
// the cross-host start skew per phase.
#pragma once

#include <string>

#include "fta/v1/import.pb.h"
#include "lib/cli/format.h"

namespace fta::cli {

std::string RenderMergedJob(const v1::MergedJob& merged, const FormatOptions& options);

}  // namespace fta::cli
