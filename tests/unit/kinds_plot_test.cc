// Fig. 1/2 with a line per FTA kind: kinds named from the runs' snapshots,
// one FTA line per kind and transfer size, native baselines drawn once.
#include "lib/report/kinds_plot.h"

#include <gtest/gtest.h>

#include "lib/report/summary.h"
#include "tests/unit/fakes/sample_sweep.h"

namespace fta::report {
namespace {

using fta::testing::SampleSweep;

int Count(const std::string& text, const std::string& pattern) { return fta::testing::CountMatches(text, pattern); }

fta::v1::Sweep SweepOf(const std::string& id, fta::v1::Backend backend, double scale) {
  return SampleSweep(id, backend, scale, /*matched=*/false);
}

TEST(KindsPlotTest, OneLinePerKindAndTransferSizeWithTheNativeBaselineOnce) {
  fta::v1::Sweep containers = SweepOf("sweep-1", fta::v1::BACKEND_LXC, 90);
  fta::v1::Sweep guests = SweepOf("sweep-2", fta::v1::BACKEND_LIBVIRT, 60);
  EXPECT_EQ(SweepKind(containers), "container");
  EXPECT_EQ(SweepKind(guests), "vm");
  PlotSpec plot = KindsPlot({containers, guests}, fta::v1::PHASE_WRITE);
  EXPECT_NE(plot.title.find("container (sweep-1) vs vm (sweep-2)"), std::string::npos) << plot.title;
  std::string svg = RenderLinePlot(plot);
  EXPECT_EQ(Count(svg, "<polyline class=\"series fta\""), 4);
  EXPECT_EQ(Count(svg, "class=\"series native\""), 2);  // first sweep's, one per size
  EXPECT_EQ(Count(svg, "id=\"container-write-fta-64k\""), 1);
  EXPECT_EQ(Count(svg, "id=\"vm-write-fta-1m\""), 1);
  EXPECT_NE(svg.find("container -t 64k"), std::string::npos);
  std::set<std::string> colors;
  for (const PlotSeries& series : plot.series) {
    if (series.kind == "fta") colors.insert(series.color);
  }
  EXPECT_EQ(colors.size(), 4u);
}

TEST(KindsPlotTest, FallsBackToTheSpecAndThenTheId) {
  fta::v1::Sweep sweep;
  sweep.set_id("sweep-9");
  EXPECT_EQ(SweepKind(sweep), "sweep-9");
  sweep.mutable_spec()->set_backend(fta::v1::BACKEND_PROCESS);
  EXPECT_EQ(SweepKind(sweep), "process");
}

}  // namespace
}  // namespace fta::report
