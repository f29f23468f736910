// engine_vs_fio: the built-in IOR engine (lib/ior PosixEngine) against fio on
// the same file-per-process pattern, printed as JSON.
//
//   engine_vs_fio --dir /scratch --size 1g --transfer 1m --reps 3
//
// Pattern: 2 processes (fio --numjobs=2; engine: 2 ranks on 2 threads, the
// way an agent runs --ranks-per-fta 2), one file each, sequential transfers.
// Cases: buffered; with fsync (engine -e, fio --end_fsync=1); O_DIRECT
// (engine --odirect, fio --direct=1). Each case writes (files deleted first,
// as IOR does) and then reads them back, except the fsync case whose read
// would be the buffered read again. Runs alternate strictly (engine, fio,
// engine, fio, ...; one uncounted warm-up pair first) so drift in the
// machine (writeback, host cache) hits both alike; `sync` runs untimed
// before every phase.
//
// Figures: fio = io_bytes / runtime from its JSON report, where the group's
// runtime is its longest job; the engine's figure with the same definition
// (bytes / longest rank from open start to close end) gives `ratio`; IOR's
// own definition (bytes / (last close end - first open start), which also
// counts the start skew between ranks) is reported beside it as
// `ratio_ior_method`. Every run is in the JSON.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "bench/common/comparison.h"
#include "bench/common/engine_phase.h"
#include "bench/engine_vs_fio/fio_runner.h"
#include "lib/core/clock.h"
#include "nlohmann/json.hpp"

namespace fta::bench {
namespace {

absl::StatusOr<double> RunFioPhase(const BenchOptions& options, const BenchCase& c, bool write) {
  FioJob job;
  job.fio = options.tools.at("--fio");
  job.directory = options.dir;
  job.rw = write ? "write" : "read";
  job.block_size = options.transfer;
  job.size = options.size;
  job.jobs = options.ranks;
  job.end_fsync = c.fsync && write;
  job.direct = c.direct;
  absl::StatusOr<FioResult> result = RunFio(job);
  if (!result.ok()) return result.status();
  return result->mib_per_second;
}

void RemoveFiles(const BenchOptions& options) {
  RemoveEngineFiles(EnginePhaseOf(options, BenchCase{}));
  for (int rank = 0; rank < options.ranks; ++rank) {
    std::filesystem::remove(absl::StrCat(options.dir, "/fiobench.", rank, ".0"));
  }
}

int Usage(const std::string& error) {
  std::fprintf(stderr,
               "%s\nusage: engine_vs_fio [--dir D] [--size 1g] [--transfer 1m] [--reps N] [--warmup N] "
               "[--processes N]\n"
               "                     [--fio PATH] [--cases buffered,fsync,odirect] [--goal 0.97]\n",
               error.c_str());
  return 2;
}

// Per phase: engine IOR figures, engine figures computed fio's way, fio.
nlohmann::json Entry(std::map<std::string, std::vector<double>>& runs) {
  const std::vector<double>& engine_ior = runs["engine_ior"];
  const std::vector<double>& engine_fio_way = runs["engine_fio_method"];
  const std::vector<double>& fio = runs["fio"];
  nlohmann::json entry;
  entry["engine_ior_mib"] = engine_ior;
  entry["engine_fio_method_mib"] = engine_fio_way;
  entry["fio_mib"] = fio;
  entry["engine_ior_mean_mib"] = Mean(engine_ior);
  entry["engine_fio_method_mean_mib"] = Mean(engine_fio_way);
  entry["fio_mean_mib"] = Mean(fio);
  entry["ratio"] = Mean(engine_fio_way) / Mean(fio);
  entry["ratio_ior_method"] = Mean(engine_ior) / Mean(fio);
  entry["engine_fio_method_median_mib"] = Median(engine_fio_way);
  entry["fio_median_mib"] = Median(fio);
  entry["ratio_of_medians"] = Median(engine_fio_way) / Median(fio);
  return entry;
}

int Main(int argc, char** argv) {
  BenchOptions options;
  options.tools = {{"--fio", "fio"}};
  if (absl::Status parsed = ParseBenchFlags(argc, argv, "--processes", &options); !parsed.ok()) {
    return Usage(std::string(parsed.message()));
  }
  RealClock clock;
  nlohmann::json out = ReportHeader("engine_vs_fio", "process", options);
  out["fio_argv_example"] = FioArgv(FioJob{options.tools.at("--fio"), options.dir, "fiobench", "write",
                                           options.transfer, options.size, options.ranks, false, false});
  out["method"] =
      "fio: io_bytes / runtime (its group runtime = the longest job, from --output-format=json); "
      "engine_fio_method: bytes / longest rank (open start .. close end), the same definition; "
      "engine_ior: bytes / (last close end - first open start), IOR's, which also counts the start skew; "
      "ratio = mean(engine_fio_method) / mean(fio), ratio_ior_method = mean(engine_ior) / mean(fio); "
      "runs alternate engine/fio after one warm-up pair, sync before each phase";
  // (An engine-fio-fio-engine order was tried first: a run that follows a
  // run of the same tool, which just deleted files of the same names, was
  // up to 8x slower on this VM's ext4, whichever tool it was.)
  auto run_case = [&](const BenchCase& c) {
    auto run = [&](bool engine_turn, bool write) -> absl::StatusOr<Figures> {
      if (!engine_turn) {
        absl::StatusOr<double> f = RunFioPhase(options, c, write);
        if (!f.ok()) return f.status();
        return Figures{{"fio", *f}};
      }
      absl::StatusOr<EngineFigures> e = RunEnginePhase(EnginePhaseOf(options, c), write, clock);
      if (!e.ok()) return e.status();
      return Figures{{"engine_ior", e->ior_mib}, {"engine_fio_method", e->fio_method_mib}};
    };
    return RunAlternating(options, c, run, [&] { RemoveFiles(options); });
  };
  return RunCases(out, options, run_case, Entry);
}

}  // namespace
}  // namespace fta::bench

int main(int argc, char** argv) { return fta::bench::Main(argc, argv); }
