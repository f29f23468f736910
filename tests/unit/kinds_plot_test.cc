// Fig. 1/2 with a line per FTA kind: kinds named from the runs' snapshots,
// one FTA line per kind and transfer size, native baselines drawn once.
#include "lib/report/kinds_plot.h"

#include <regex>

#include <gtest/gtest.h>

#include "lib/report/summary.h"

namespace fta::report {
namespace {

int Count(const std::string& text, const std::string& pattern) {
  std::regex re(pattern);
  return static_cast<int>(std::distance(std::sregex_iterator(text.begin(), text.end(), re), std::sregex_iterator()));
}

fta::v1::Sweep SweepOf(const std::string& id, fta::v1::Backend backend, double scale) {
  fta::v1::Sweep sweep;
  sweep.set_id(id);
  int step = 0;
  for (int64_t t : {65536, 1048576}) {
    auto add = [&](fta::v1::SweepTarget target, int n, double mib) {
      fta::v1::SweepRun* run = sweep.add_runs();
      run->set_step(step++);
      run->set_transfer_size_bytes(t);
      run->set_block_size_bytes(8 << 20);
      run->set_target(target);
      run->set_fta_count(n);
      run->set_write_mib(mib);
      run->set_read_mib(mib * 2);
      run->set_state(fta::v1::SWEEP_RUN_STATE_COMPLETED);
      if (target == fta::v1::SWEEP_TARGET_FTAS) run->mutable_snapshot()->set_backend(backend);
    };
    add(fta::v1::SWEEP_TARGET_NATIVE_SINGLE, 1, 100);
    for (int n = 1; n <= 3; ++n) add(fta::v1::SWEEP_TARGET_FTAS, n, scale * n);
  }
  *sweep.mutable_summary() = SummarizeSweep(sweep);
  return sweep;
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
