// IOR output written elsewhere -> a Job record (engine "ior-import"), so an
// old run lists, prints and compares like ours. The figures are IOR's own:
// one aggregate per Results row (iteration, phase), one summary per row of
// IOR's Summary table; there are no rank timestamps (timestamp_source
// "ior-reported").
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "fta/v1/job.pb.h"
#include "lib/ior/ior_output.h"

namespace fta::hostd {

// Parses `content` (IOR text or JSON). Errors are INVALID_ARGUMENT prefixed
// with `name`: "run.txt: line 36: output ends inside the Results table ...";
// the output of a failed IOR run is refused too, quoting IOR. The job has no
// id yet; created/finished are IOR's "Began"/"Finished" when they parse as
// local time, else `now_unix_ms`.
absl::StatusOr<fta::v1::Job> JobFromIorOutput(absl::string_view content, const std::string& name,
                                              int64_t now_unix_ms);

}  // namespace fta::hostd
