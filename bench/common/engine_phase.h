// What the engine-vs-tool benchmarks share: one phase of the built-in engine
// (lib/ior PosixEngine) on N ranks at once, the way an agent runs
// --ranks-per-fta N (one thread per rank, a spin barrier before the opens),
// and the statistics they print.
//
//   EnginePhase phase{dir, "enginebench", 1 << 30, 1 << 20, 2, /*fsync=*/false, /*direct=*/true};
//   absl::StatusOr<EngineFigures> f = RunEnginePhase(phase, /*write=*/true, clock);
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/core/clock.h"

namespace fta::bench {

struct EnginePhase {
  std::string dir;
  std::string file_name = "enginebench";  // files are dir/file_name.%08d per rank
  uint64_t size = 0;                       // bytes per rank (one block)
  uint64_t transfer = 0;
  int ranks = 2;
  bool fsync = false;   // -e
  bool direct = false;  // --odirect
};

struct EngineFigures {
  double ior_mib = 0;         // bytes / (last close end - first open start), IOR's definition
  double fio_method_mib = 0;  // bytes / longest single rank (open start .. close end), fio's
};

absl::StatusOr<EngineFigures> RunEnginePhase(const EnginePhase& phase, bool write, const Clock& clock);

// Removes the engine's rank files of `phase`.
void RemoveEngineFiles(const EnginePhase& phase);

double Mean(const std::vector<double>& values);
double Median(std::vector<double> values);

}  // namespace fta::bench
