#include "lib/report/svg_plot.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
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

std::string EscapeMarkup(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

double NiceStep(double max, int target_ticks) {
  if (!(max > 0) || target_ticks < 1) return 1;
  double raw = max / target_ticks;
  double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double fraction = raw / magnitude;
  double nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  return nice * magnitude;
}

std::string RenderLinePlot(const PlotSpec& plot) {
  const double left = 80, top = 50, legend_width = 210, bottom = 60;
  const double plot_w = plot.width - left - legend_width - 20;
  const double plot_h = plot.height - top - bottom;

  double x_max = 1, y_max = 0;
  double x_min = 0;
  bool any = false;
  for (const PlotSeries& series : plot.series) {
    for (const auto& [x, y] : series.points) {
      if (!any) x_min = x;
      any = true;
      x_min = std::min(x_min, x);
      x_max = std::max(x_max, x);
      y_max = std::max(y_max, y);
    }
  }
  // Axes start at 0 bandwidth and at the first FTA count the plot knows of.
  x_min = any ? std::min(x_min, 1.0) : 0;
  if (x_min >= x_max) x_max = x_min + 1;
  double y_step = NiceStep(y_max > 0 ? y_max * 1.05 : 1);
  double y_top = std::ceil((y_max > 0 ? y_max * 1.05 : 1) / y_step) * y_step;
  double x_step = x_max - x_min <= 16 ? 1 : NiceStep(x_max - x_min, 8);
  auto sx = [&](double x) { return left + (x - x_min) / (x_max - x_min) * plot_w; };
  auto sy = [&](double y) { return top + plot_h - y / y_top * plot_h; };

  std::string svg = absl::StrFormat(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
      "font-family=\"sans-serif\" font-size=\"13\">\n",
      plot.width, plot.height, plot.width, plot.height);
  absl::StrAppend(&svg, "<title>", EscapeMarkup(plot.title), "</title>\n");
  absl::StrAppend(&svg, "<rect x=\"0\" y=\"0\" width=\"", plot.width, "\" height=\"", plot.height,
                  "\" fill=\"white\"/>\n");
  absl::StrAppend(&svg, "<text class=\"plot-title\" x=\"", Num(left + plot_w / 2), "\" y=\"28\" text-anchor=\"middle\" "
                  "font-size=\"16\" font-weight=\"bold\">", EscapeMarkup(plot.title), "</text>\n");

  // Grid and ticks.
  absl::StrAppend(&svg, "<g class=\"grid\" stroke=\"#dddddd\" stroke-width=\"1\">\n");
  for (double y = 0; y <= y_top + y_step / 2; y += y_step) {
    absl::StrAppend(&svg, "<line x1=\"", Num(left), "\" y1=\"", Num(sy(y)), "\" x2=\"", Num(left + plot_w), "\" y2=\"",
                    Num(sy(y)), "\"/>\n");
  }
  absl::StrAppend(&svg, "</g>\n<g class=\"ticks\" fill=\"#333333\">\n");
  for (double y = 0; y <= y_top + y_step / 2; y += y_step) {
    absl::StrAppend(&svg, "<text x=\"", Num(left - 8), "\" y=\"", Num(sy(y) + 4), "\" text-anchor=\"end\">",
                    TickLabel(y, y_step), "</text>\n");
  }
  for (double x = std::ceil(x_min / x_step) * x_step; x <= x_max + x_step / 2; x += x_step) {
    absl::StrAppend(&svg, "<text x=\"", Num(sx(x)), "\" y=\"", Num(top + plot_h + 20), "\" text-anchor=\"middle\">",
                    TickLabel(x, x_step), "</text>\n");
    absl::StrAppend(&svg, "<line x1=\"", Num(sx(x)), "\" y1=\"", Num(top + plot_h), "\" x2=\"", Num(sx(x)),
                    "\" y2=\"", Num(top + plot_h + 5), "\" stroke=\"#333333\"/>\n");
  }
  absl::StrAppend(&svg, "</g>\n");
  // Axes and labels.
  absl::StrAppend(&svg, "<g class=\"axes\" stroke=\"#333333\" stroke-width=\"1.5\">\n<line x1=\"", Num(left), "\" y1=\"",
                  Num(top + plot_h), "\" x2=\"", Num(left + plot_w), "\" y2=\"", Num(top + plot_h), "\"/>\n<line x1=\"",
                  Num(left), "\" y1=\"", Num(top), "\" x2=\"", Num(left), "\" y2=\"", Num(top + plot_h), "\"/>\n</g>\n");
  absl::StrAppend(&svg, "<text class=\"x-label\" x=\"", Num(left + plot_w / 2), "\" y=\"", Num(plot.height - 15),
                  "\" text-anchor=\"middle\">", EscapeMarkup(plot.x_label), "</text>\n");
  absl::StrAppend(&svg, "<text class=\"y-label\" transform=\"translate(20,", Num(top + plot_h / 2),
                  ") rotate(-90)\" text-anchor=\"middle\">", EscapeMarkup(plot.y_label), "</text>\n");

  // Data lines, then the legend.
  for (const PlotSeries& series : plot.series) {
    if (series.points.empty()) continue;
    std::string dash = series.kind == "native" ? " stroke-dasharray=\"8 5\""
                       : series.kind == "native-matched" ? " stroke-dasharray=\"2 4\""
                                                         : "";
    absl::StrAppend(&svg, "<polyline class=\"series ", EscapeMarkup(series.kind), "\" id=\"", EscapeMarkup(series.id),
                    "\" fill=\"none\" stroke=\"", EscapeMarkup(series.color), "\" stroke-width=\"2.5\"", dash,
                    " points=\"");
    for (size_t i = 0; i < series.points.size(); ++i) {
      absl::StrAppend(&svg, i ? " " : "", Num(sx(series.points[i].first)), ",", Num(sy(series.points[i].second)));
    }
    absl::StrAppend(&svg, "\"><title>", EscapeMarkup(series.label), "</title></polyline>\n");
    if (series.kind == "fta") {
      absl::StrAppend(&svg, "<g class=\"markers\" fill=\"", EscapeMarkup(series.color), "\">");
      for (const auto& [x, y] : series.points) {
        absl::StrAppend(&svg, "<circle cx=\"", Num(sx(x)), "\" cy=\"", Num(sy(y)), "\" r=\"3.5\"><title>",
                        EscapeMarkup(series.label), ": N=", TickLabel(x, 1), ", ", Num(y), " MiB/s</title></circle>");
      }
      absl::StrAppend(&svg, "</g>\n");
    }
  }
  double legend_x = left + plot_w + 20;
  absl::StrAppend(&svg, "<g class=\"legend\">\n");
  double legend_y = top + 10;
  for (const PlotSeries& series : plot.series) {
    if (series.points.empty()) continue;
    std::string dash = series.kind == "native" ? " stroke-dasharray=\"8 5\""
                       : series.kind == "native-matched" ? " stroke-dasharray=\"2 4\""
                                                         : "";
    absl::StrAppend(&svg, "<line x1=\"", Num(legend_x), "\" y1=\"", Num(legend_y), "\" x2=\"", Num(legend_x + 30),
                    "\" y2=\"", Num(legend_y), "\" stroke=\"", EscapeMarkup(series.color), "\" stroke-width=\"2.5\"",
                    dash, "/>\n<text x=\"", Num(legend_x + 38), "\" y=\"", Num(legend_y + 4), "\">",
                    EscapeMarkup(series.label), "</text>\n");
    legend_y += 22;
  }
  absl::StrAppend(&svg, "</g>\n</svg>\n");
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
