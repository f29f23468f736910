#include "lib/report/summary.h"

#include <algorithm>
#include <map>
#include <tuple>
#include <utility>

namespace fta::report {
namespace {

using fta::v1::SweepRun;
using fta::v1::SweepTarget;

// Mean over repetitions, per (transfer size, target, N).
struct Mean {
  double write_sum = 0, read_sum = 0;
  int write_n = 0, read_n = 0;
  double write() const { return write_n > 0 ? write_sum / write_n : 0; }
  double read() const { return read_n > 0 ? read_sum / read_n : 0; }
};

}  // namespace

const char* TargetName(SweepTarget target) {
  static constexpr std::pair<SweepTarget, const char*> kWords[] = {
      {fta::v1::SWEEP_TARGET_FTAS, "fta"},
      {fta::v1::SWEEP_TARGET_NATIVE_SINGLE, "native-1"},
      {fta::v1::SWEEP_TARGET_NATIVE_MATCHED, "native-N"}};
  for (const auto& [value, word] : kWords) {
    if (value == target) return word;
  }
  return "?";
}

int SaturationPoint(const std::vector<CountBandwidth>& series, double gain_threshold) {
  for (size_t i = 0; i + 1 < series.size(); ++i) {
    const CountBandwidth& a = series[i];
    const CountBandwidth& b = series[i + 1];
    if (a.mib <= 0 || b.count <= a.count) continue;
    double gain_per_fta = (b.mib / a.mib - 1.0) / static_cast<double>(b.count - a.count);
    if (gain_per_fta < gain_threshold) return a.count;
  }
  return 0;
}

int BestCount(const std::vector<CountBandwidth>& series) {
  int best = 0;
  double best_mib = -1;
  for (const CountBandwidth& point : series) {
    if (point.mib > best_mib) {
      best_mib = point.mib;
      best = point.count;
    }
  }
  return best;
}

double PercentOf(double value, double baseline) { return baseline > 0 ? value / baseline * 100.0 : 0; }

fta::v1::SweepSummary SummarizeSweep(const fta::v1::Sweep& sweep) {
  std::vector<int64_t> transfer_order;
  std::map<int64_t, int64_t> block_of;
  std::map<std::tuple<int64_t, int, int>, Mean> means;  // (t, target, N)
  for (const SweepRun& run : sweep.runs()) {
    if (run.state() != fta::v1::SWEEP_RUN_STATE_COMPLETED) continue;
    if (std::find(transfer_order.begin(), transfer_order.end(), run.transfer_size_bytes()) ==
        transfer_order.end()) {
      transfer_order.push_back(run.transfer_size_bytes());
    }
    block_of[run.transfer_size_bytes()] = run.block_size_bytes();
    Mean& mean = means[{run.transfer_size_bytes(), static_cast<int>(run.target()), run.fta_count()}];
    if (run.write_mib() > 0) {
      mean.write_sum += run.write_mib();
      ++mean.write_n;
    }
    if (run.read_mib() > 0) {
      mean.read_sum += run.read_mib();
      ++mean.read_n;
    }
  }

  fta::v1::SweepSummary summary;
  for (int64_t transfer : transfer_order) {
    fta::v1::TransferSummary* out = summary.add_transfers();
    out->set_transfer_size_bytes(transfer);
    out->set_block_size_bytes(block_of[transfer]);
    auto single = means.find({transfer, fta::v1::SWEEP_TARGET_NATIVE_SINGLE, 1});
    if (single != means.end()) {
      out->set_native_write_mib(single->second.write());
      out->set_native_read_mib(single->second.read());
    }
    std::vector<CountBandwidth> write_series, read_series;
    for (const auto& [key, mean] : means) {  // N ascending within (t, target)
      const auto& [t, target, count] = key;
      if (t != transfer || target != fta::v1::SWEEP_TARGET_FTAS) continue;
      fta::v1::SweepSummaryRow* row = out->add_rows();
      row->set_fta_count(count);
      row->set_write_mib(mean.write());
      row->set_read_mib(mean.read());
      row->set_write_pct_native(PercentOf(mean.write(), out->native_write_mib()));
      row->set_read_pct_native(PercentOf(mean.read(), out->native_read_mib()));
      // N = 1 native ranks is the single-rank baseline itself.
      auto matched = means.find({transfer, fta::v1::SWEEP_TARGET_NATIVE_MATCHED, count});
      if (matched == means.end() && count == 1) matched = single;
      if (matched != means.end()) {
        row->set_native_matched_write_mib(matched->second.write());
        row->set_native_matched_read_mib(matched->second.read());
        row->set_write_pct_matched(PercentOf(mean.write(), matched->second.write()));
        row->set_read_pct_matched(PercentOf(mean.read(), matched->second.read()));
      }
      if (mean.write_n > 0) write_series.push_back({count, mean.write()});
      if (mean.read_n > 0) read_series.push_back({count, mean.read()});
    }
    out->set_write_saturation_n(SaturationPoint(write_series));
    out->set_read_saturation_n(SaturationPoint(read_series));
    out->set_best_write_n(BestCount(write_series));
    out->set_best_read_n(BestCount(read_series));
  }
  return summary;
}

}  // namespace fta::report
