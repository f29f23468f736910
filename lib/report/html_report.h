// One self-contained HTML page for a sweep: the two plots inline (SVG), the
// summary table per transfer size, every run with its job id and notes, and
// what shaped the runs (snapshot). No scripts, no external resources, so it
// can be mailed or archived as a single file.
#pragma once

#include <string>

#include "fta/v1/sweep.pb.h"

namespace fta::report {

// `write_svg` and `read_svg` are embedded as they are (RenderLinePlot output).
std::string RenderHtmlReport(const fta::v1::Sweep& sweep, const std::string& write_svg,
                             const std::string& read_svg);

}  // namespace fta::report
