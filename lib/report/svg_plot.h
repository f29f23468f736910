// Line plots as standalone SVG text, drawn here rather than by an external
// plotting tool so `ftactl report` runs on any host.
//
//   PlotSpec plot = BandwidthPlot(sweep, fta::v1::PHASE_WRITE);  // poster's Fig. 1
//   std::string svg = RenderLinePlot(plot);
//
// Every data line is one <polyline> with class "series <kind>" and a unique
// id, so a reader (or a test) can find the lines without guessing from
// colours: kind "fta" (measured over N FTAs), "native" (the 1-rank native
// baseline, dashed, as in the poster) and "native-matched" (host agent with
// N ranks, dotted).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "fta/v1/sweep.pb.h"

namespace fta::report {

struct PlotSeries {
  std::string label;   // legend text
  std::string kind;    // "fta" | "native" | "native-matched"
  std::string id;      // unique within the plot, e.g. "write-fta-64k"
  std::string color;   // CSS colour
  std::vector<std::pair<double, double>> points;  // (x, y), x ascending
};

struct PlotSpec {
  std::string title;
  std::string x_label;
  std::string y_label;
  int width = 820;
  int height = 520;
  std::vector<PlotSeries> series;
};

// Round tick step for a range [0, max]: 1, 2 or 5 times a power of ten,
// about `target_ticks` ticks.
double NiceStep(double max, int target_ticks = 6);

// A complete SVG document (with xmlns), axes from 0, integer x ticks when
// the x range is small, a legend right of the plot area.
std::string RenderLinePlot(const PlotSpec& plot);

// Write or read MiB/s against the number of FTAs, one line per transfer
// size, native baselines as dashed lines, same-concurrency native dotted.
PlotSpec BandwidthPlot(const fta::v1::Sweep& sweep, fta::v1::Phase phase);

}  // namespace fta::report
