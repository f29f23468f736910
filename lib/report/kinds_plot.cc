#include "lib/report/kinds_plot.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace fta::report {
namespace {

// Okabe-Ito again, offset per kind so kinds differ at equal transfer size.
constexpr const char* kKindPalette[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
                                        "#E69F00", "#56B4E9", "#000000", "#F0E442"};

std::string KindOfBackend(fta::v1::Backend backend) {
  switch (backend) {
    case fta::v1::BACKEND_LXC: return "container";
    case fta::v1::BACKEND_LIBVIRT: return "vm";
    case fta::v1::BACKEND_PROCESS: return "process";
    default: return "";
  }
}

}  // namespace

std::string SweepKind(const fta::v1::Sweep& sweep) {
  for (const fta::v1::SweepRun& run : sweep.runs()) {
    if (run.target() == fta::v1::SWEEP_TARGET_FTAS && run.snapshot().backend() != fta::v1::BACKEND_UNSPECIFIED) {
      return KindOfBackend(run.snapshot().backend());
    }
  }
  if (sweep.spec().backend() != fta::v1::BACKEND_UNSPECIFIED) return KindOfBackend(sweep.spec().backend());
  return sweep.id();
}

PlotSpec KindsPlot(const std::vector<fta::v1::Sweep>& sweeps, fta::v1::Phase phase) {
  const bool write = phase == fta::v1::PHASE_WRITE;
  PlotSpec plot;
  std::vector<std::string> names;
  plot.x_label = "Number of FTAs";
  plot.y_label = absl::StrCat(write ? "Write" : "Read", " bandwidth (MiB/s)");
  size_t color = 0;
  for (size_t i = 0; i < sweeps.size(); ++i) {
    const std::string kind = SweepKind(sweeps[i]);
    names.push_back(absl::StrCat(kind, " (", sweeps[i].id(), ")"));
    for (PlotSeries series : BandwidthPlot(sweeps[i], phase).series) {
      if (series.kind != "fta" && i > 0) continue;
      if (series.kind == "fta") {
        series.color = kKindPalette[color++ % (sizeof(kKindPalette) / sizeof(kKindPalette[0]))];
        series.label = absl::StrCat(kind, " ", series.label.substr(0, series.label.rfind(" FTAs")));
      }
      series.id = absl::StrCat(kind, "-", series.id);
      plot.series.push_back(std::move(series));
    }
  }
  plot.title = absl::StrCat("IOR ", write ? "Write" : "Read", " by FTA kind: ", absl::StrJoin(names, " vs "));
  return plot;
}

}  // namespace fta::report
