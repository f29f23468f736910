#include "bench/common/comparison.h"

#include <unistd.h>

#include <iostream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "lib/core/units.h"

namespace fta::bench {
namespace {

absl::Status ParseCount(const std::string& flag, const std::string& value, int minimum, int* out) {
  if (!absl::SimpleAtoi(value, out) || *out < minimum) {
    return absl::InvalidArgumentError(absl::StrCat(flag, ": \"", value, "\" is not a count"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ParseBenchFlags(int argc, char** argv, const std::string& ranks_flag, BenchOptions* options) {
  BenchOptions& o = *options;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) return absl::InvalidArgumentError(absl::StrCat("missing value for ", flag));
    const std::string value = argv[++i];
    if (flag == "--dir") {
      o.dir = value;
    } else if (o.tools.count(flag) > 0) {
      o.tools[flag] = value;
    } else if (flag == "--size" || flag == "--transfer") {
      absl::StatusOr<uint64_t> bytes = ParseSize(flag, value);
      if (!bytes.ok()) return bytes.status();
      (flag == "--size" ? o.size : o.transfer) = *bytes;
    } else if (flag == "--reps" || flag == ranks_flag) {
      absl::Status count = ParseCount(flag, value, 1, flag == "--reps" ? &o.reps : &o.ranks);
      if (!count.ok()) return count;
    } else if (flag == "--warmup") {
      absl::Status count = ParseCount(flag, value, 0, &o.warmup);
      if (!count.ok()) return count;
    } else if (flag == "--goal") {
      if (!absl::SimpleAtod(value, &o.goal)) return absl::InvalidArgumentError("--goal: not a number");
    } else if (flag == "--cases") {
      o.cases = absl::StrSplit(value, ',');
    } else {
      return absl::InvalidArgumentError(absl::StrCat("unknown flag ", flag));
    }
  }
  return absl::OkStatus();
}

BenchCase CaseNamed(const std::string& name) {
  if (name == "fsync") return BenchCase{name, true, false, false};
  if (name == "odirect") return BenchCase{name, false, true, true};
  return BenchCase{name, false, false, true};
}

EnginePhase EnginePhaseOf(const BenchOptions& options, const BenchCase& c) {
  EnginePhase phase;
  phase.ranks = options.ranks;
  phase.params.directory = options.dir;
  phase.params.file_name = "enginebench";
  phase.params.block_size = options.size;
  phase.params.transfer_size = options.transfer;
  phase.params.fsync = c.fsync;
  phase.params.odirect = c.direct;
  return phase;
}

absl::StatusOr<PhaseRuns> RunAlternating(const BenchOptions& options, const BenchCase& c,
                                         const std::function<absl::StatusOr<Figures>(bool, bool)>& run,
                                         const std::function<void()>& remove_files) {
  PhaseRuns runs;
  for (int rep = -options.warmup; rep < options.reps; ++rep) {
    for (bool engine_turn : {true, false}) {
      remove_files();
      for (bool write : {true, false}) {
        if (!write && !c.read) continue;
        ::sync();
        absl::StatusOr<Figures> figures = run(engine_turn, write);
        if (!figures.ok()) return figures.status();
        const std::string phase = write ? "write" : "read";
        if (rep >= 0) {
          for (const auto& [name, mib] : *figures) runs[phase][name].push_back(mib);
        }
        std::cerr << c.name << (rep >= 0 ? " " : " warm-up ") << figures->front().first << " " << phase << ": "
                  << figures->front().second << " MiB/s\n";
      }
    }
  }
  remove_files();
  return runs;
}

nlohmann::json ReportHeader(const std::string& benchmark, const std::string& noun, const BenchOptions& options) {
  nlohmann::json out;
  out["benchmark"] = benchmark;
  out["directory"] = options.dir;
  out[noun + "s"] = options.ranks;
  out["bytes_per_" + noun] = options.size;
  out["transfer_size"] = options.transfer;
  out["repetitions"] = options.reps;
  out["warmup_pairs"] = options.warmup;
  out["goal_ratio"] = options.goal;
  return out;
}

int RunCases(nlohmann::json header, const BenchOptions& options,
             const std::function<absl::StatusOr<PhaseRuns>(const BenchCase&)>& run_case,
             const std::function<nlohmann::json(std::map<std::string, std::vector<double>>&)>& entry) {
  bool all_met = true;
  nlohmann::json cases = nlohmann::json::array();
  for (const std::string& name : options.cases) {
    absl::StatusOr<PhaseRuns> runs = run_case(CaseNamed(name));
    if (!runs.ok()) {
      std::cerr << name << ": " << runs.status() << "\n";
      return 1;
    }
    for (const std::string phase : {"write", "read"}) {
      if (runs->count(phase) == 0) continue;
      nlohmann::json made = entry((*runs)[phase]);
      made["case"] = name;
      made["phase"] = phase;
      const bool met = made["ratio"].get<double>() >= options.goal;
      made["goal_met"] = met;
      all_met = all_met && met;
      cases.push_back(made);
    }
  }
  header["cases"] = cases;
  header["all_goals_met"] = all_met;
  std::cout << header.dump(2) << std::endl;
  return 0;
}

}  // namespace fta::bench
