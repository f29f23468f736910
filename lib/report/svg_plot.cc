#include "lib/report/svg_plot.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lib/core/markup.h"
#include "lib/core/units.h"

namespace fta::report {
namespace {

// Colour-blind-safe palette (Okabe-Ito), one colour per transfer size.
constexpr const char* kPalette[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                    "#E69F00", "#56B4E9", "#000000", "#F0E442"};

std::string Num(double value) { return absl::StrFormat("%.1f", value); }

std::string TickLabel(double value, double step) {
  if (step >= 1 || value == 0) return absl::StrFormat("%.0f", value);
  int decimals = static_cast<int>(std::ceil(-std::log10(step)));
  return absl::StrFormat("%.*f", decimals, value);
}

}  // namespace

double NiceStep(double max, int target_ticks) {
  if (!(max > 0) || target_ticks < 1) return 1;
  double raw = max / target_ticks;
  double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double fraction = raw / magnitude;
  double nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  return nice * magnitude;
}

namespace {

// Where the data lands: margins, the data ranges and the scales.
struct Frame {
  double left = 80, top = 50, plot_w = 0, plot_h = 0;
  double x_min = 0, x_max = 1, x_step = 1, y_top = 1, y_step = 1;
  double sx(double x) const { return left + (x - x_min) / (x_max - x_min) * plot_w; }
  double sy(double y) const { return top + plot_h - y / y_top * plot_h; }
};

Frame FitFrame(const PlotSpec& plot) {
  const double legend_width = 210, bottom = 60;
  Frame f;
  f.plot_w = plot.width - f.left - legend_width - 20;
  f.plot_h = plot.height - f.top - bottom;
  double y_max = 0;
  bool any = false;
  for (const PlotSeries& series : plot.series) {
    for (const auto& [x, y] : series.points) {
      if (!any) f.x_min = x;
      any = true;
      f.x_min = std::min(f.x_min, x);
      f.x_max = std::max(f.x_max, x);
      y_max = std::max(y_max, y);
    }
  }
  // Axes start at 0 bandwidth and at the first FTA count the plot knows of.
  f.x_min = any ? std::min(f.x_min, 1.0) : 0;
  if (f.x_min >= f.x_max) f.x_max = f.x_min + 1;
  f.y_step = NiceStep(y_max > 0 ? y_max * 1.05 : 1);
  f.y_top = std::ceil((y_max > 0 ? y_max * 1.05 : 1) / f.y_step) * f.y_step;
  f.x_step = f.x_max - f.x_min <= 16 ? 1 : NiceStep(f.x_max - f.x_min, 8);
  return f;
}

// Native baselines are dashed, so they read apart from the FTA lines in grey print too.
std::string Dash(const std::string& kind) {
  return kind == "native" ? " stroke-dasharray=\"8 5\"" : kind == "native-matched" ? " stroke-dasharray=\"2 4\"" : "";
}

void AppendGridAndTicks(const Frame& f, std::string* svg) {
  absl::StrAppend(svg, "<g class=\"grid\" stroke=\"#dddddd\" stroke-width=\"1\">\n");
  for (double y = 0; y <= f.y_top + f.y_step / 2; y += f.y_step) {
    absl::StrAppend(svg, "<line x1=\"", Num(f.left), "\" y1=\"", Num(f.sy(y)), "\" x2=\"", Num(f.left + f.plot_w),
                    "\" y2=\"", Num(f.sy(y)), "\"/>\n");
  }
  absl::StrAppend(svg, "</g>\n<g class=\"ticks\" fill=\"#333333\">\n");
  for (double y = 0; y <= f.y_top + f.y_step / 2; y += f.y_step) {
    absl::StrAppend(svg, "<text x=\"", Num(f.left - 8), "\" y=\"", Num(f.sy(y) + 4), "\" text-anchor=\"end\">",
                    TickLabel(y, f.y_step), "</text>\n");
  }
  for (double x = std::ceil(f.x_min / f.x_step) * f.x_step; x <= f.x_max + f.x_step / 2; x += f.x_step) {
    absl::StrAppend(svg, "<text x=\"", Num(f.sx(x)), "\" y=\"", Num(f.top + f.plot_h + 20),
                    "\" text-anchor=\"middle\">", TickLabel(x, f.x_step), "</text>\n");
    absl::StrAppend(svg, "<line x1=\"", Num(f.sx(x)), "\" y1=\"", Num(f.top + f.plot_h), "\" x2=\"", Num(f.sx(x)),
                    "\" y2=\"", Num(f.top + f.plot_h + 5), "\" stroke=\"#333333\"/>\n");
  }
  absl::StrAppend(svg, "</g>\n");
}

void AppendAxes(const PlotSpec& plot, const Frame& f, std::string* svg) {
  absl::StrAppend(svg, "<g class=\"axes\" stroke=\"#333333\" stroke-width=\"1.5\">\n<line x1=\"", Num(f.left),
                  "\" y1=\"", Num(f.top + f.plot_h), "\" x2=\"", Num(f.left + f.plot_w), "\" y2=\"",
                  Num(f.top + f.plot_h), "\"/>\n<line x1=\"", Num(f.left), "\" y1=\"", Num(f.top), "\" x2=\"",
                  Num(f.left), "\" y2=\"", Num(f.top + f.plot_h), "\"/>\n</g>\n");
  absl::StrAppend(svg, "<text class=\"x-label\" x=\"", Num(f.left + f.plot_w / 2), "\" y=\"",
                  Num(plot.height - 15), "\" text-anchor=\"middle\">", EscapeMarkup(plot.x_label), "</text>\n");
  absl::StrAppend(svg, "<text class=\"y-label\" transform=\"translate(20,", Num(f.top + f.plot_h / 2),
                  ") rotate(-90)\" text-anchor=\"middle\">", EscapeMarkup(plot.y_label), "</text>\n");
}

void AppendSeries(const PlotSeries& series, const Frame& f, std::string* svg) {
  absl::StrAppend(svg, "<polyline class=\"series ", EscapeMarkup(series.kind), "\" id=\"", EscapeMarkup(series.id),
                  "\" fill=\"none\" stroke=\"", EscapeMarkup(series.color), "\" stroke-width=\"2.5\"",
                  Dash(series.kind), " points=\"");
  for (size_t i = 0; i < series.points.size(); ++i) {
    absl::StrAppend(svg, i ? " " : "", Num(f.sx(series.points[i].first)), ",", Num(f.sy(series.points[i].second)));
  }
  absl::StrAppend(svg, "\"><title>", EscapeMarkup(series.label), "</title></polyline>\n");
  if (series.kind != "fta") return;
  absl::StrAppend(svg, "<g class=\"markers\" fill=\"", EscapeMarkup(series.color), "\">");
  for (const auto& [x, y] : series.points) {
    absl::StrAppend(svg, "<circle cx=\"", Num(f.sx(x)), "\" cy=\"", Num(f.sy(y)), "\" r=\"3.5\"><title>",
                    EscapeMarkup(series.label), ": N=", TickLabel(x, 1), ", ", Num(y), " MiB/s</title></circle>");
  }
  absl::StrAppend(svg, "</g>\n");
}

void AppendLegend(const PlotSpec& plot, const Frame& f, std::string* svg) {
  const double legend_x = f.left + f.plot_w + 20;
  absl::StrAppend(svg, "<g class=\"legend\">\n");
  double legend_y = f.top + 10;
  for (const PlotSeries& series : plot.series) {
    if (series.points.empty()) continue;
    absl::StrAppend(svg, "<line x1=\"", Num(legend_x), "\" y1=\"", Num(legend_y), "\" x2=\"", Num(legend_x + 30),
                    "\" y2=\"", Num(legend_y), "\" stroke=\"", EscapeMarkup(series.color), "\" stroke-width=\"2.5\"",
                    Dash(series.kind), "/>\n<text x=\"", Num(legend_x + 38), "\" y=\"", Num(legend_y + 4), "\">",
                    EscapeMarkup(series.label), "</text>\n");
    legend_y += 22;
  }
  absl::StrAppend(svg, "</g>\n");
}

}  // namespace

std::string RenderLinePlot(const PlotSpec& plot) {
  const Frame f = FitFrame(plot);
  std::string svg = absl::StrFormat(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
      "font-family=\"sans-serif\" font-size=\"13\">\n",
      plot.width, plot.height, plot.width, plot.height);
  absl::StrAppend(&svg, "<title>", EscapeMarkup(plot.title), "</title>\n");
  absl::StrAppend(&svg, "<rect x=\"0\" y=\"0\" width=\"", plot.width, "\" height=\"", plot.height,
                  "\" fill=\"white\"/>\n");
  absl::StrAppend(&svg, "<text class=\"plot-title\" x=\"", Num(f.left + f.plot_w / 2),
                  "\" y=\"28\" text-anchor=\"middle\" font-size=\"16\" font-weight=\"bold\">",
                  EscapeMarkup(plot.title), "</text>\n");
  AppendGridAndTicks(f, &svg);
  AppendAxes(plot, f, &svg);
  // Data lines, then the legend.
  for (const PlotSeries& series : plot.series) {
    if (!series.points.empty()) AppendSeries(series, f, &svg);
  }
  AppendLegend(plot, f, &svg);
  absl::StrAppend(&svg, "</svg>\n");
  return svg;
}

PlotSpec BandwidthPlot(const fta::v1::Sweep& sweep, fta::v1::Phase phase) {
  const bool write = phase == fta::v1::PHASE_WRITE;
  const std::string phase_name = write ? "write" : "read";
  PlotSpec plot;
  plot.title = absl::StrCat("IOR ", write ? "Write" : "Read", " Results for Varied Transfer Sizes (", sweep.id(),
                            ")");
  plot.x_label = "Number of FTAs";
  plot.y_label = absl::StrCat(write ? "Write" : "Read", " bandwidth (MiB/s)");
  const fta::v1::SweepSummary& summary = sweep.summary();
  for (int i = 0; i < summary.transfers_size(); ++i) {
    const fta::v1::TransferSummary& transfer = summary.transfers(i);
    const std::string size = FormatSize(static_cast<uint64_t>(transfer.transfer_size_bytes()));
    const std::string color = kPalette[i % (sizeof(kPalette) / sizeof(kPalette[0]))];
    PlotSeries measured{absl::StrCat("-t ", size, " FTAs"), "fta", absl::StrCat(phase_name, "-fta-", size), color, {}};
    PlotSeries matched{absl::StrCat("-t ", size, " native, N ranks"), "native-matched",
                       absl::StrCat(phase_name, "-native-matched-", size), color, {}};
    double first = 0, last = 0;
    for (const auto& row : transfer.rows()) {
      double value = write ? row.write_mib() : row.read_mib();
      double native_n = write ? row.native_matched_write_mib() : row.native_matched_read_mib();
      if (value > 0) measured.points.push_back({row.fta_count(), value});
      if (native_n > 0) matched.points.push_back({row.fta_count(), native_n});
      if (first == 0) first = row.fta_count();
      last = row.fta_count();
    }
    plot.series.push_back(measured);
    double native = write ? transfer.native_write_mib() : transfer.native_read_mib();
    if (native > 0 && last > 0) {
      // The poster's dashed line: one native install, across the whole range.
      plot.series.push_back(PlotSeries{absl::StrCat("-t ", size, " native (1 rank)"), "native",
                                       absl::StrCat(phase_name, "-native-", size), color,
                                       {{first, native}, {last, native}}});
    }
    // A single matched point is the 1-rank baseline again: no line to draw.
    if (matched.points.size() > 1) plot.series.push_back(matched);
  }
  return plot;
}

}  // namespace fta::report
