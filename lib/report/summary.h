// The summary of a sweep, computed from its stored runs: per transfer size,
// write and read MiB/s per N (mean over repetitions), % of the native
// baseline, the saturation point and the best N.
//
//   fta::v1::SweepSummary summary = SummarizeSweep(sweep);
//
// Saturation: for consecutive measured Ns a < b, the gain of one more FTA is
// (bw(b) / bw(a) - 1) / (b - a). The saturation point is the smallest a whose
// gain is below kSaturationGain (5%); 0 when every step still gains more.
#pragma once

#include <vector>

#include "fta/v1/sweep.pb.h"

namespace fta::report {

inline constexpr double kSaturationGain = 0.05;

// (N, MiB/s) pairs by N ascending; N values unique.
struct CountBandwidth {
  int count = 0;
  double mib = 0;
};

// 0 when not reached or fewer than two points.
int SaturationPoint(const std::vector<CountBandwidth>& series, double gain_threshold = kSaturationGain);

// N of the highest bandwidth (the smaller N on a tie); 0 when empty.
int BestCount(const std::vector<CountBandwidth>& series);

// value / baseline * 100; 0 when the baseline is not positive.
double PercentOf(double value, double baseline);

// Only completed runs count; transfer sizes in the order of the runs'
// appearance in the plan (which is the spec's order).
fta::v1::SweepSummary SummarizeSweep(const fta::v1::Sweep& sweep);

// "fta", "native-1", "native-N" ("?" for anything else): the one table of
// these words, also behind ftactl's (cli::SweepTargetName).
const char* TargetName(fta::v1::SweepTarget target);

}  // namespace fta::report
