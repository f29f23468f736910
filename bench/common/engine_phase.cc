#include "bench/common/engine_phase.h"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <iostream>
#include <numeric>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lib/ior/bandwidth.h"
#include "lib/ior/posix_engine.h"

namespace fta::bench {

absl::StatusOr<EngineFigures> RunEnginePhase(const EnginePhase& phase, bool write, const Clock& clock) {
  std::vector<ior::PosixEngine> engines;
  for (int rank = 0; rank < phase.ranks; ++rank) {
    engines.emplace_back(phase.params, rank, phase.ranks, /*signature=*/0x5eed, &clock);
  }
  std::vector<absl::StatusOr<ior::PhaseMeasurement>> results(engines.size(), absl::UnknownError("not run"));
  std::atomic<int> waiting{static_cast<int>(engines.size())};
  std::vector<std::thread> threads;
  for (size_t i = 0; i < engines.size(); ++i) {
    threads.emplace_back([&, i] {
      // A spin barrier: every rank starts its open together.
      waiting.fetch_sub(1);
      while (waiting.load() > 0) std::this_thread::yield();
      results[i] = write ? engines[i].Write(nullptr, nullptr) : engines[i].Read(nullptr, nullptr);
    });
  }
  for (std::thread& t : threads) t.join();
  std::vector<ior::PhaseMeasurement> measurements;
  for (auto& r : results) {
    if (!r.ok()) return r.status();
    measurements.push_back(*r);
  }
  absl::StatusOr<fta::v1::PhaseAggregate> aggregate = ior::AggregatePhase(measurements);
  if (!aggregate.ok()) return aggregate.status();
  std::cerr << "  engine " << (write ? "write" : "read") << ": open " << aggregate->open_seconds()
            << " s, xfer " << aggregate->xfer_seconds() << " s, close " << aggregate->close_seconds()
            << " s, total " << aggregate->total_seconds() << " s, skew " << aggregate->start_skew_seconds()
            << " s\n";
  int64_t longest_ns = 0;
  for (const auto& m : measurements) longest_ns = std::max(longest_ns, m.close_end_ns - m.open_start_ns);
  EngineFigures figures;
  figures.ior_mib = aggregate->bandwidth_mib();
  figures.fio_method_mib =
      static_cast<double>(aggregate->bytes()) / (static_cast<double>(longest_ns) / 1e9) / 1048576.0;
  return figures;
}

void RemoveEngineFiles(const EnginePhase& phase) {
  for (int rank = 0; rank < phase.ranks; ++rank) {
    std::filesystem::remove(
        absl::StrCat(phase.params.directory, "/", phase.params.file_name, ".", absl::StrFormat("%08d", rank)));
  }
}

double Mean(const std::vector<double>& values) {
  return values.empty() ? 0 : std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
}

double Median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

}  // namespace fta::bench
