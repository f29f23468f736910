// Fig. 1/2 with one line per FTA kind: sweeps of the same parameters over
// different kinds (container, vm, process) drawn on one plot, the poster's
// VM-vs-container question as a picture.
//
//   PlotSpec plot = KindsPlot({container_sweep, vm_sweep}, fta::v1::PHASE_WRITE);
//   std::string svg = RenderLinePlot(plot);
#pragma once

#include <string>
#include <vector>

#include "fta/v1/sweep.pb.h"
#include "lib/report/svg_plot.h"

namespace fta::report {

// "container", "vm" or "process": the backend its runs recorded (lxc,
// libvirt, process), else the spec's, else the sweep id.
std::string SweepKind(const fta::v1::Sweep& sweep);

// The FTA lines of each sweep's BandwidthPlot (summaries must be filled),
// labelled "<kind> -t SIZE", one colour per kind and transfer size; native
// baselines from the first sweep only (they do not depend on the kind).
PlotSpec KindsPlot(const std::vector<fta::v1::Sweep>& sweeps, fta::v1::Phase phase);

}  // namespace fta::report
