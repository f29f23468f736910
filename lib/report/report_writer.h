// `ftactl report`: writes a sweep's plots and page into a directory.
//
//   absl::StatusOr<ReportFiles> files = WriteReport(sweep, "/tmp/report");
//
// Files: write.svg (the poster's Fig. 1), read.svg (Fig. 2), report.html.
// Several sweeps (e.g. one over container FTAs, one over processes or vms):
// Fig. 1/2 draw one line per kind and transfer size (KindsPlot), and the
// page is the first sweep's with those figures.
// The directory is created when missing; existing files are replaced.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "fta/v1/sweep.pb.h"

namespace fta::report {

struct ReportFiles {
  std::string write_svg;
  std::string read_svg;
  std::string html;
};

// INVALID_ARGUMENT for an empty directory, FAILED_PRECONDITION when it
// cannot be created or written (naming the path and the reason).
absl::StatusOr<ReportFiles> WriteReport(const fta::v1::Sweep& sweep, const std::string& directory);
// INVALID_ARGUMENT when `sweeps` is empty.
absl::StatusOr<ReportFiles> WriteReport(const std::vector<fta::v1::Sweep>& sweeps, const std::string& directory);

}  // namespace fta::report
