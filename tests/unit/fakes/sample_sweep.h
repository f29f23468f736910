// A finished sweep for the report tests (report_svg_test, kinds_plot_test)
// and a regex counter for what they render.
#pragma once

#include <iterator>
#include <regex>
#include <string>

#include "fta/v1/sweep.pb.h"
#include "lib/report/summary.h"

namespace fta::testing {

// How many times `pattern` (a regex) matches in `text`.
inline int CountMatches(const std::string& text, const std::string& pattern) {
  std::regex re(pattern);
  return static_cast<int>(std::distance(std::sregex_iterator(text.begin(), text.end(), re), std::sregex_iterator()));
}

// A completed sweep `id` over -t 64k and 1m, -b 8m: per size the native
// 1-rank run (100 MiB/s write) and FTA runs for N = 1..3 at `fta_mib` x N,
// reads twice the writes, the FTA runs' snapshots naming `backend` (none
// for UNSPECIFIED); with
// `matched`, native N-rank runs at 80 x N for N = 2, 3 as well. Summarised.
inline fta::v1::Sweep SampleSweep(const std::string& id, fta::v1::Backend backend, double fta_mib, bool matched) {
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
      if (target == fta::v1::SWEEP_TARGET_FTAS && backend != fta::v1::BACKEND_UNSPECIFIED) {
        run->mutable_snapshot()->set_backend(backend);
      }
    };
    add(fta::v1::SWEEP_TARGET_NATIVE_SINGLE, 1, 100);
    for (int n = 1; n <= 3; ++n) {
      add(fta::v1::SWEEP_TARGET_FTAS, n, fta_mib * n);
      if (matched && n > 1) add(fta::v1::SWEEP_TARGET_NATIVE_MATCHED, n, 80.0 * n);
    }
  }
  *sweep.mutable_summary() = report::SummarizeSweep(sweep);
  return sweep;
}

}  // namespace fta::testing
