// IOR output written elsewhere -> Job records (ENGINE_IOR_IMPORT), so an
// old run lists, prints and compares like ours: one job per IOR test (a -f
// script with several RUN blocks makes several). The figures are IOR's own:
// one aggregate per Results row (iteration, phase), one summary per row of
// IOR's Summary table (timestamp_source "ior-reported"). IOR's per-rank CSV
// (-O saveRankPerformanceDetailsCSV), when given, becomes the rank results:
// IOR reports durations only, so each rank's open starts at 0, its
// transfers end after IOR's "runtime" and its close after
// "runtime-with-openclose".
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "fta/v1/job.pb.h"
#include "lib/ior/ior_output.h"

namespace fta::hostd {

// Parses `content` (IOR text, JSON or CSV summary). Errors are
// INVALID_ARGUMENT prefixed with the file's name: "run.txt: line 36: output
// ends inside the Results table ..." (or "ranks.csv: line 9: ..." for the
// per-rank CSV, whose rows must match the runs' ranks, phases and
// iterations one for one); the output of a failed IOR run is refused too,
// quoting IOR. The jobs have no id yet; created/finished are IOR's
// "Began"/"Finished" when they parse as local time, else `now_unix_ms`.
struct IorImportInput {
  absl::string_view content;
  std::string name;
  absl::string_view rank_details;  // empty: none
  std::string rank_details_name;
};
absl::StatusOr<std::vector<fta::v1::Job>> JobsFromIorOutput(const IorImportInput& input, int64_t now_unix_ms);

}  // namespace fta::hostd
