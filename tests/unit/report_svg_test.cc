// The plots: one line per transfer size plus dashed native lines, axis
// labels with units, a legend, escaped text, and the files on disk.
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "lib/report/report_writer.h"
#include "lib/report/summary.h"
#include "lib/report/svg_plot.h"

namespace fta::report {
namespace {

using ::testing::HasSubstr;

int Count(const std::string& text, const std::string& pattern) {
  std::regex re(pattern);
  return static_cast<int>(std::distance(std::sregex_iterator(text.begin(), text.end(), re), std::sregex_iterator()));
}

fta::v1::Sweep TwoSizeSweep() {
  fta::v1::Sweep sweep;
  sweep.set_id("sweep-7");
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
    };
    add(fta::v1::SWEEP_TARGET_NATIVE_SINGLE, 1, 100);
    for (int n = 1; n <= 3; ++n) {
      add(fta::v1::SWEEP_TARGET_FTAS, n, 100.0 * n);
      if (n > 1) add(fta::v1::SWEEP_TARGET_NATIVE_MATCHED, n, 80.0 * n);
    }
  }
  *sweep.mutable_summary() = SummarizeSweep(sweep);
  return sweep;
}

TEST(NiceStepTest, OneTwoFiveTimesPowerOfTen) {
  EXPECT_DOUBLE_EQ(NiceStep(1000, 5), 200);
  EXPECT_DOUBLE_EQ(NiceStep(1200, 6), 200);
  EXPECT_DOUBLE_EQ(NiceStep(7, 6), 2);
  EXPECT_DOUBLE_EQ(NiceStep(0.3, 6), 0.05);
}

TEST(BandwidthPlotTest, OneLinePerTransferSizePlusDashedNative) {
  std::string svg = RenderLinePlot(BandwidthPlot(TwoSizeSweep(), fta::v1::PHASE_WRITE));
  EXPECT_EQ(Count(svg, "<polyline class=\"series fta\""), 2);
  EXPECT_EQ(Count(svg, "<polyline class=\"series native\""), 2);
  EXPECT_EQ(Count(svg, "<polyline class=\"series native-matched\""), 2);
  EXPECT_EQ(Count(svg, "class=\"series native\"[^>]*stroke-dasharray"), 2);
  EXPECT_THAT(svg, HasSubstr("id=\"write-fta-64k\""));
  EXPECT_THAT(svg, HasSubstr("id=\"write-native-1m\""));
  EXPECT_THAT(svg, HasSubstr("Number of FTAs"));
  EXPECT_THAT(svg, HasSubstr("Write bandwidth (MiB/s)"));
  EXPECT_THAT(svg, HasSubstr("<g class=\"legend\">"));
  EXPECT_THAT(svg, HasSubstr("-t 64k native (1 rank)"));
  EXPECT_THAT(svg, HasSubstr("xmlns=\"http://www.w3.org/2000/svg\""));
  // One marker per measured FTA point (3 per size).
  EXPECT_EQ(Count(svg, "<circle "), 6);
}

TEST(BandwidthPlotTest, PointsScaleIntoThePlotArea) {
  PlotSpec plot;
  plot.series.push_back({"a", "fta", "a", "#000", {{1, 0}, {3, 300}}});
  std::string svg = RenderLinePlot(plot);
  std::smatch match;
  ASSERT_TRUE(std::regex_search(svg, match, std::regex("points=\"([0-9.]+),([0-9.]+) ([0-9.]+),([0-9.]+)\"")));
  double x1 = std::stod(match[1]), y1 = std::stod(match[2]), x2 = std::stod(match[3]), y2 = std::stod(match[4]);
  EXPECT_LT(x1, x2);
  EXPECT_GT(y1, y2);  // SVG y grows downwards: higher bandwidth is higher up
  EXPECT_GT(y2, 0);
  EXPECT_LT(y1, plot.height);
}

TEST(BandwidthPlotTest, ReadPlotUsesReadValues) {
  PlotSpec plot = BandwidthPlot(TwoSizeSweep(), fta::v1::PHASE_READ);
  ASSERT_FALSE(plot.series.empty());
  EXPECT_EQ(plot.series[0].kind, "fta");
  EXPECT_DOUBLE_EQ(plot.series[0].points.back().second, 600);
  EXPECT_EQ(plot.y_label, "Read bandwidth (MiB/s)");
}

TEST(EscapeMarkupTest, EscapesMarkupCharacters) {
  EXPECT_EQ(EscapeMarkup("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#39;");
  PlotSpec plot;
  plot.title = "<script>";
  EXPECT_THAT(RenderLinePlot(plot), ::testing::Not(HasSubstr("<script>")));
}

TEST(WriteReportTest, WritesTwoSvgsAndASelfContainedPage) {
  std::string dir = ::testing::TempDir() + "/report-test/out";
  std::filesystem::remove_all(dir);
  absl::StatusOr<ReportFiles> files = WriteReport(TwoSizeSweep(), dir);
  ASSERT_TRUE(files.ok()) << files.status();
  for (const std::string& path : {files->write_svg, files->read_svg, files->html}) {
    EXPECT_TRUE(std::filesystem::exists(path)) << path;
  }
  std::ifstream in(files->html);
  std::stringstream html;
  html << in.rdbuf();
  EXPECT_EQ(Count(html.str(), "<svg "), 2);
  EXPECT_THAT(html.str(), HasSubstr("<table>"));
  EXPECT_THAT(html.str(), ::testing::Not(HasSubstr("<script")));
  EXPECT_THAT(html.str(), ::testing::Not(HasSubstr("src=\"http")));
  EXPECT_FALSE(WriteReport(TwoSizeSweep(), "").ok());
}

}  // namespace
}  // namespace fta::report
