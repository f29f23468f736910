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
// --mode hostd: fta-hostd's engine ior (`ftactl ior run --engine ior` over
// two process FTAs, one mpirun through fta-mpi-relay) against a direct
// `mpirun -np 2 ior`, each a whole IOR run (-w -r; -w -e for fsync) per
// repetition, alternating; figures are IOR's bwMiB on both sides and the
// ratio median(hostd) / median(ior), goal 0.95. --build DIR: where
// fta-hostd, fta-agent, fta-mpi-relay and ftactl were built (default: this
// binary's build tree).
//
// Figures: IOR's own bwMiB from its JSON summary (bytes / (last close end -
// first open start) behind MPI barriers, not counting mpirun's start-up) and
// the engine's figure with the same definition; ratio = median(engine) /
// median(ior) per case and phase.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "bench/common/engine_phase.h"
#include "bench/engine_vs_ior/hostd_phase.h"
#include "bench/engine_vs_ior/ior_phase.h"
#include "lib/core/clock.h"
#include "lib/core/units.h"
#include "nlohmann/json.hpp"

namespace fta::bench {
namespace {

struct Options {
  std::string dir = "/tmp";
  std::string ior = "ior";
  std::string mpirun = "mpirun";
  uint64_t size = uint64_t{1} << 30;
  uint64_t transfer = uint64_t{1} << 20;
  int reps = 5;
  int warmup = 1;
  int ranks = 2;
  std::vector<std::string> cases = {"buffered", "fsync", "odirect"};
  double goal = 0.97;  // hostd mode: 0.95 unless --goal
  bool goal_given = false;
  std::string mode = "engine";  // engine | hostd
  std::string build;            // hostd mode: the build tree
};

int Usage(const std::string& error) {
  std::fprintf(stderr,
               "%s\nusage: engine_vs_ior --ior PATH [--mpirun PATH] [--dir D] [--size 1g] [--transfer 1m] "
               "[--reps N] [--warmup N] [--ranks N] [--cases buffered,fsync,odirect] [--goal 0.97] "
               "[--mode engine|hostd] [--build DIR]\n",
               error.c_str());
  return 2;
}

absl::Status ParseOptions(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) return absl::InvalidArgumentError(absl::StrCat("missing value for ", flag));
    const std::string value = argv[++i];
    if (flag == "--dir") {
      o.dir = value;
    } else if (flag == "--ior") {
      o.ior = value;
    } else if (flag == "--mpirun") {
      o.mpirun = value;
    } else if (flag == "--size" || flag == "--transfer") {
      absl::StatusOr<uint64_t> bytes = ParseSize(flag, value);
      if (!bytes.ok()) return bytes.status();
      (flag == "--size" ? o.size : o.transfer) = *bytes;
    } else if (flag == "--reps" || flag == "--warmup" || flag == "--ranks") {
      int n = 0;
      if (!absl::SimpleAtoi(value, &n) || n < (flag == "--warmup" ? 0 : 1)) {
        return absl::InvalidArgumentError(absl::StrCat(flag, ": \"", value, "\" is not a count"));
      }
      (flag == "--reps" ? o.reps : flag == "--warmup" ? o.warmup : o.ranks) = n;
    } else if (flag == "--goal") {
      if (!absl::SimpleAtod(value, &o.goal)) return absl::InvalidArgumentError("--goal: not a number");
      o.goal_given = true;
    } else if (flag == "--mode") {
      if (value != "engine" && value != "hostd") return absl::InvalidArgumentError("--mode: engine or hostd");
      o.mode = value;
    } else if (flag == "--build") {
      o.build = value;
    } else if (flag == "--cases") {
      o.cases = absl::StrSplit(value, ',');
    } else {
      return absl::InvalidArgumentError(absl::StrCat("unknown flag ", flag));
    }
  }
  return absl::OkStatus();
}

// Per phase ("write", "read"): every counted run of each tool.
struct CaseRuns {
  std::map<std::string, std::vector<double>> engine, ior;
};

absl::StatusOr<CaseRuns> RunCase(const Options& o, const std::string& name, const RealClock& clock) {
  const bool fsync = name == "fsync";
  const bool direct = name == "odirect";
  const bool read = !fsync;
  EnginePhase engine{o.dir, "enginebench", o.size, o.transfer, o.ranks, fsync, direct};
  IorPhase ior{o.mpirun, o.ior, o.dir, "iorbench", o.size, o.transfer, o.ranks, fsync, direct};
  CaseRuns runs;
  for (int rep = -o.warmup; rep < o.reps; ++rep) {
    for (bool engine_turn : {true, false}) {
      RemoveEngineFiles(engine);
      RemoveIorFiles(ior);
      for (bool write : {true, false}) {
        if (!write && !read) continue;
        ::sync();
        double mib = 0;
        if (engine_turn) {
          absl::StatusOr<EngineFigures> figures = RunEnginePhase(engine, write, clock);
          if (!figures.ok()) return figures.status();
          mib = figures->ior_mib;
        } else {
          absl::StatusOr<double> bandwidth = RunIorPhase(ior, write);
          if (!bandwidth.ok()) return bandwidth.status();
          mib = *bandwidth;
        }
        const std::string phase = write ? "write" : "read";
        if (rep >= 0) (engine_turn ? runs.engine : runs.ior)[phase].push_back(mib);
        std::cerr << name << (rep >= 0 ? " " : " warm-up ") << (engine_turn ? "engine " : "ior ") << phase << ": "
                  << mib << " MiB/s\n";
      }
    }
  }
  RemoveEngineFiles(engine);
  RemoveIorFiles(ior);
  return runs;
}

// Hostd mode: whole IOR runs through fta-hostd and directly, alternating.
absl::StatusOr<CaseRuns> RunHostdCase(const Options& o, const std::string& name, const HostdUnderTest& hostd) {
  IorPhase pattern{o.mpirun, o.ior, o.dir, "iorbench", o.size, o.transfer, o.ranks, name == "fsync",
                   name == "odirect"};
  const bool read = name != "fsync";
  CaseRuns runs;
  for (int rep = -o.warmup; rep < o.reps; ++rep) {
    for (bool hostd_turn : {true, false}) {
      RemoveIorFiles(pattern);
      ::sync();
      absl::StatusOr<std::map<std::string, double>> mib =
          hostd_turn ? hostd.RunJob(pattern, read) : RunIorWhole(pattern, read);
      if (!mib.ok()) return mib.status();
      for (const auto& [phase, value] : *mib) {
        if (rep >= 0) (hostd_turn ? runs.engine : runs.ior)[phase].push_back(value);
        std::cerr << name << (rep >= 0 ? " " : " warm-up ") << (hostd_turn ? "hostd " : "ior ") << phase << ": "
                  << value << " MiB/s\n";
      }
    }
  }
  RemoveIorFiles(pattern);
  return runs;
}

std::string DefaultBuildDir() {
  std::error_code error;
  std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", error);
  return exe.parent_path().parent_path().parent_path().string();  // <build>/bench/engine_vs_ior/engine_vs_ior
}

int Main(int argc, char** argv) {
  Options o;
  if (absl::Status parsed = ParseOptions(argc, argv, o); !parsed.ok()) return Usage(std::string(parsed.message()));
  RealClock clock;
  std::optional<HostdUnderTest> hostd;
  if (o.mode == "hostd") {
    if (!o.goal_given) o.goal = 0.95;
    if (o.build.empty()) o.build = DefaultBuildDir();
    absl::StatusOr<HostdUnderTest> started = HostdUnderTest::Start(o.build, o.dir + "/hostd", o.ior, o.ranks, clock);
    if (!started.ok()) {
      std::cerr << "fta-hostd: " << started.status() << "\n";
      return 1;
    }
    hostd.emplace(*std::move(started));
  }
  const std::string side = o.mode == "hostd" ? "hostd" : "engine";
  nlohmann::json out;
  out["benchmark"] = "engine_vs_ior";
  out["mode"] = o.mode;
  double load[3] = {0, 0, 0};
  if (getloadavg(load, 3) == 3) out["load_average_start"] = {load[0], load[1], load[2]};
  out["directory"] = o.dir;
  out["ranks"] = o.ranks;
  out["bytes_per_rank"] = o.size;
  out["transfer_size"] = o.transfer;
  out["repetitions"] = o.reps;
  out["warmup_pairs"] = o.warmup;
  out["goal_ratio"] = o.goal;
  out["ior_argv_example"] = IorArgv(IorPhase{o.mpirun, o.ior, o.dir, "iorbench", o.size, o.transfer, o.ranks},
                                    true, "SUMMARY.json");
  out["method"] = o.mode == "hostd" ?
      "hostd: ftactl ior run --engine ior over 2 process FTAs (one mpirun via fta-mpi-relay), IOR's bwMiB as stored; "
      "ior: direct mpirun -np 2 ior, its JSON bwMiB; ratio = median(hostd) / median(ior); whole runs alternate" :
      "ior: its own bwMiB (JSON summary); engine: bytes / (last close end - first open start), IOR's definition; "
      "ratio = median(engine) / median(ior); runs alternate engine/ior after warm-up pairs, sync before each phase";
  bool all_met = true;
  nlohmann::json cases = nlohmann::json::array();
  for (const std::string& name : o.cases) {
    absl::StatusOr<CaseRuns> runs = hostd ? RunHostdCase(o, name, *hostd) : RunCase(o, name, clock);
    if (!runs.ok()) {
      std::cerr << name << ": " << runs.status() << "\n";
      return 1;
    }
    for (const std::string phase : {"write", "read"}) {
      if (runs->ior[phase].empty()) continue;
      const double ratio = Median(runs->engine[phase]) / Median(runs->ior[phase]);
      nlohmann::json entry;
      entry["case"] = name;
      entry["phase"] = phase;
      entry[side + "_mib"] = runs->engine[phase];
      entry["ior_mib"] = runs->ior[phase];
      entry[side + "_median_mib"] = Median(runs->engine[phase]);
      entry["ior_median_mib"] = Median(runs->ior[phase]);
      entry["ratio"] = ratio;
      entry["goal_met"] = ratio >= o.goal;
      all_met = all_met && ratio >= o.goal;
      cases.push_back(entry);
    }
  }
  out["cases"] = cases;
  if (getloadavg(load, 3) == 3) out["load_average_end"] = {load[0], load[1], load[2]};
  out["all_goals_met"] = all_met;
  std::cout << out.dump(2) << std::endl;
  return 0;
}

}  // namespace
}  // namespace fta::bench

int main(int argc, char** argv) { return fta::bench::Main(argc, argv); }
