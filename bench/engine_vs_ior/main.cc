// engine_vs_ior: the built-in IOR engine (lib/ior PosixEngine) against the
// real IOR on the same file-per-process pattern, printed as JSON.
//
//   engine_vs_ior --ior build/ior/prefix/bin/ior --dir /scratch --size 1g --transfer 1m --reps 5
//
// Pattern: 2 ranks (IOR: mpirun -np 2; engine: 2 threads, the way an agent
// runs --ranks-per-fta 2), one file each, one block of --size, sequential
// transfers. Cases: buffered; fsync (-e, write only: its read would be the
// buffered read again); O_DIRECT (engine --odirect, IOR --posix.odirect).
// Each case writes (files removed first, as IOR does) and reads them back.
// Runs alternate strictly (engine, ior, engine, ior, ...) after uncounted
// warm-up pairs, with `sync` untimed before every phase, as engine_vs_fio.
//
// Figures: IOR's own bwMiB from its JSON summary (bytes / (last close end -
// first open start) behind MPI barriers, not counting mpirun's start-up) and
// the engine's figure with the same definition; ratio = median(engine) /
// median(ior) per case and phase.
#include <cstdio>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "bench/common/comparison.h"
#include "bench/common/engine_phase.h"
#include "bench/engine_vs_ior/ior_phase.h"
#include "lib/core/clock.h"
#include "nlohmann/json.hpp"

namespace fta::bench {
namespace {

int Usage(const std::string& error) {
  std::fprintf(stderr,
               "%s\nusage: engine_vs_ior --ior PATH [--mpirun PATH] [--dir D] [--size 1g] [--transfer 1m] "
               "[--reps N] [--warmup N] [--ranks N] [--cases buffered,fsync,odirect] [--goal 0.97]\n",
               error.c_str());
  return 2;
}

IorPhase IorPhaseOf(const BenchOptions& o, const BenchCase& c) {
  return IorPhase{o.tools.at("--mpirun"), o.tools.at("--ior"), o.dir, "iorbench", o.size, o.transfer, o.ranks,
                  c.fsync, c.direct};
}

nlohmann::json Entry(std::map<std::string, std::vector<double>>& runs) {
  nlohmann::json entry;
  entry["engine_mib"] = runs["engine"];
  entry["ior_mib"] = runs["ior"];
  entry["engine_median_mib"] = Median(runs["engine"]);
  entry["ior_median_mib"] = Median(runs["ior"]);
  entry["ratio"] = Median(runs["engine"]) / Median(runs["ior"]);
  return entry;
}

int Main(int argc, char** argv) {
  BenchOptions o;
  o.reps = 5;
  o.tools = {{"--ior", "ior"}, {"--mpirun", "mpirun"}};
  if (absl::Status parsed = ParseBenchFlags(argc, argv, "--ranks", &o); !parsed.ok()) {
    return Usage(std::string(parsed.message()));
  }
  RealClock clock;
  nlohmann::json out = ReportHeader("engine_vs_ior", "rank", o);
  out["ior_argv_example"] = IorArgv(IorPhaseOf(o, BenchCase{}), true, "SUMMARY.json");
  out["method"] =
      "ior: its own bwMiB (JSON summary); engine: bytes / (last close end - first open start), IOR's definition; "
      "ratio = median(engine) / median(ior); runs alternate engine/ior after warm-up pairs, sync before each phase";
  auto run_case = [&](const BenchCase& c) {
    const EnginePhase engine = EnginePhaseOf(o, c);
    const IorPhase ior = IorPhaseOf(o, c);
    auto run = [&](bool engine_turn, bool write) -> absl::StatusOr<Figures> {
      if (!engine_turn) {
        absl::StatusOr<double> bandwidth = RunIorPhase(ior, write);
        if (!bandwidth.ok()) return bandwidth.status();
        return Figures{{"ior", *bandwidth}};
      }
      absl::StatusOr<EngineFigures> figures = RunEnginePhase(engine, write, clock);
      if (!figures.ok()) return figures.status();
      return Figures{{"engine", figures->ior_mib}};
    };
    return RunAlternating(o, c, run, [&] {
      RemoveEngineFiles(engine);
      RemoveIorFiles(ior);
    });
  };
  return RunCases(out, o, run_case, Entry);
}

}  // namespace
}  // namespace fta::bench

int main(int argc, char** argv) { return fta::bench::Main(argc, argv); }
