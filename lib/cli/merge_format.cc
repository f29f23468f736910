#include "lib/cli/merge_format.h"

#include <algorithm>
#include <limits>
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "lib/cli/enum_words.h"
#include "lib/cli/job_format.h"
#include "lib/cli/table.h"

namespace fta::cli {

std::string RenderMergedJob(const v1::MergedJob& merged, const FormatOptions& options) {
  std::string out = RenderJobDetail(merged.job(), options);
  // Per iteration and phase, the earliest first open over hosts: each
  // host's lateness is measured from it.
  std::map<std::pair<int32_t, int>, int64_t> earliest;
  for (const v1::MergedHostRow& row : merged.hosts()) {
    auto key = std::make_pair(row.aggregate().iteration(), static_cast<int>(row.aggregate().phase()));
    auto [it, inserted] = earliest.try_emplace(key, row.first_open_start_ns());
    if (!inserted) it->second = std::min(it->second, row.first_open_start_ns());
  }
  Table hosts({"HOST", "JOB", "ITER", "PHASE", "RANKS", "BYTES", "MiB/s", "MB/s", "SECONDS", "LATE_S"});
  for (size_t column : {2, 4, 5, 6, 7, 8, 9}) hosts.AlignRight(column);
  for (const v1::MergedHostRow& row : merged.hosts()) {
    const v1::PhaseAggregate& a = row.aggregate();
    const int64_t first = earliest[{a.iteration(), static_cast<int>(a.phase())}];
    hosts.AddRow({row.host(), row.job_id(), absl::StrCat(a.iteration()), PhaseName(a.phase()), absl::StrCat(a.ranks()),
                  absl::StrCat(a.bytes()), FormatRate(a.bandwidth_mib()), FormatRate(a.bandwidth_mb()),
                  FormatSeconds(a.total_seconds()), FormatSeconds(1e-9 * static_cast<double>(row.first_open_start_ns() - first))});
  }
  absl::StrAppend(&out, "\nHOSTS\n", hosts.Render());
  Table skews({"ITER", "PHASE", "CROSS_HOST_SKEW_S"});
  skews.AlignRight(0);
  skews.AlignRight(2);
  for (const v1::CrossHostSkew& skew : merged.skews()) {
    skews.AddRow({absl::StrCat(skew.iteration()), PhaseName(skew.phase()), FormatSeconds(skew.seconds())});
  }
  absl::StrAppend(&out, "\nCROSS-HOST START SKEW (clocks assumed synchronised)\n", skews.Render());
  return out;
}

}  // namespace fta::cli
