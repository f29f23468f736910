#include "lib/report/compare.h"

#include <map>
#include <utility>

namespace fta::report {

double ChangePercent(double a, double b) { return a > 0 ? (b - a) / a * 100.0 : 0; }

std::vector<ComparisonRow> CompareSummaries(const fta::v1::SweepSummary& a, const fta::v1::SweepSummary& b) {
  std::map<std::pair<int64_t, int>, ComparisonRow> rows;
  auto take = [&rows](const fta::v1::SweepSummary& summary, bool is_a) {
    for (const auto& transfer : summary.transfers()) {
      auto put = [&](int count, double write, double read) {
        ComparisonRow& row = rows[{transfer.transfer_size_bytes(), count}];
        row.transfer_size_bytes = transfer.transfer_size_bytes();
        row.fta_count = count;
        (is_a ? row.write_a : row.write_b) = write;
        (is_a ? row.read_a : row.read_b) = read;
        (is_a ? row.in_a : row.in_b) = true;
      };
      if (transfer.native_write_mib() > 0 || transfer.native_read_mib() > 0) {
        put(0, transfer.native_write_mib(), transfer.native_read_mib());
      }
      for (const auto& row : transfer.rows()) put(row.fta_count(), row.write_mib(), row.read_mib());
    }
  };
  take(a, true);
  take(b, false);
  std::vector<ComparisonRow> result;
  for (auto& [key, row] : rows) {
    if (row.in_a && row.in_b) {
      row.write_change_pct = ChangePercent(row.write_a, row.write_b);
      row.read_change_pct = ChangePercent(row.read_a, row.read_b);
    }
    result.push_back(row);
  }
  return result;
}

}  // namespace fta::report
