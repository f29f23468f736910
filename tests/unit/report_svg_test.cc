// The plots: one line per transfer size plus dashed native lines, axis
// labels with units, a legend, escaped text, and the files on disk.
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "lib/core/markup.h"
#include "lib/report/report_writer.h"
#include "lib/report/summary.h"
#include "lib/report/svg_plot.h"
#include "tests/unit/fakes/sample_sweep.h"
#include "tests/unit/fakes/text_matchers.h"

namespace fta::report {
namespace {

using ::testing::HasSubstr;
using fta::testing::HasSubstrs;

int Count(const std::string& text, const std::string& pattern) { return fta::testing::CountMatches(text, pattern); }

// Without snapshots: the runs name no backend.
fta::v1::Sweep TwoSizeSweep() {
  return fta::testing::SampleSweep("sweep-7", fta::v1::BACKEND_UNSPECIFIED, 100, /*matched=*/true);
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
  EXPECT_THAT(svg, HasSubstrs({"id=\"write-fta-64k\"", "id=\"write-native-1m\"", "Number of FTAs",
                               "Write bandwidth (MiB/s)", "<g class=\"legend\">", "-t 64k native (1 rank)",
                               "xmlns=\"http://www.w3.org/2000/svg\""}));
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
