// What the engine-vs-tool benchmarks share: one phase of the built-in engine
// (lib/ior PosixEngine) on N ranks at once, the way an agent runs
// --ranks-per-fta N (one thread per rank, a spin barrier before the opens),
// and the statistics they print.
//
//   EnginePhase phase{params, /*ranks=*/2};
//   absl::StatusOr<EngineFigures> f = RunEnginePhase(phase, /*write=*/true, clock);
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/core/clock.h"
#include "lib/ior/ior_params.h"

namespace fta::bench {

struct EnginePhase {
  // directory, file_name (files are directory/file_name.%08d per rank),
  // block_size (bytes per rank: one block), transfer_size, fsync (-e),
  // odirect (--odirect).
  ior::IorParams params;
  int ranks = 2;
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
