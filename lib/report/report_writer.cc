#include "lib/report/report_writer.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "lib/core/status_macros.h"
#include "lib/report/html_report.h"
#include "lib/report/kinds_plot.h"
#include "lib/report/svg_plot.h"

namespace fta::report {
namespace {

// Written beside and renamed over, so a reader never sees half a file.
absl::Status WriteFile(const std::string& path, const std::string& content) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) {
      return absl::FailedPreconditionError(absl::StrCat("--out: cannot write ", temporary, ": ", std::strerror(errno)));
    }
    out << content;
    out.flush();
    if (!out) return absl::FailedPreconditionError(absl::StrCat("--out: writing ", temporary, " failed"));
  }
  std::error_code error;
  std::filesystem::rename(temporary, path, error);
  if (error) return absl::FailedPreconditionError(absl::StrCat("--out: ", path, ": ", error.message()));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ReportFiles> WriteReport(const fta::v1::Sweep& sweep, const std::string& directory) {
  return WriteReport(std::vector<fta::v1::Sweep>{sweep}, directory);
}

absl::StatusOr<ReportFiles> WriteReport(const std::vector<fta::v1::Sweep>& sweeps, const std::string& directory) {
  if (sweeps.empty()) return absl::InvalidArgumentError("ID: at least one sweep is required");
  const fta::v1::Sweep& sweep = sweeps.front();
  if (directory.empty()) return absl::InvalidArgumentError("--out: a directory is required");
  std::error_code error;
  std::filesystem::create_directories(directory, error);
  if (error) {
    return absl::FailedPreconditionError(absl::StrCat("--out: cannot create ", directory, ": ", error.message()));
  }
  const bool kinds = sweeps.size() > 1;
  std::string write_svg = RenderLinePlot(kinds ? KindsPlot(sweeps, fta::v1::PHASE_WRITE)
                                               : BandwidthPlot(sweep, fta::v1::PHASE_WRITE));
  std::string read_svg = RenderLinePlot(kinds ? KindsPlot(sweeps, fta::v1::PHASE_READ)
                                              : BandwidthPlot(sweep, fta::v1::PHASE_READ));
  ReportFiles files{directory + "/write.svg", directory + "/read.svg", directory + "/report.html"};
  FTA_RETURN_IF_ERROR(WriteFile(files.write_svg, write_svg));
  FTA_RETURN_IF_ERROR(WriteFile(files.read_svg, read_svg));
  FTA_RETURN_IF_ERROR(WriteFile(files.html, RenderHtmlReport(sweep, write_svg, read_svg)));
  return files;
}

}  // namespace fta::report
