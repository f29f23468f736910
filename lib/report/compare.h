// Two sweeps side by side (`ftactl results compare A B`): every (transfer
// size, N) either sweep summarised, with write and read MiB/s of both and the
// % change from A to B. The native 1-rank baseline is a row with N = 0.
#pragma once

#include <cstdint>
#include <vector>

#include "fta/v1/sweep.pb.h"

namespace fta::report {

struct ComparisonRow {
  int64_t transfer_size_bytes = 0;
  int fta_count = 0;          // 0 = native 1-rank baseline
  double write_a = 0, write_b = 0, write_change_pct = 0;
  double read_a = 0, read_b = 0, read_change_pct = 0;
  bool in_a = false, in_b = false;
};

// (b - a) / a * 100; 0 when a is not positive.
double ChangePercent(double a, double b);

// Ordered by transfer size then N; rows present in only one sweep are kept
// (in_a / in_b say which) with a change of 0.
std::vector<ComparisonRow> CompareSummaries(const fta::v1::SweepSummary& a, const fta::v1::SweepSummary& b);

}  // namespace fta::report
