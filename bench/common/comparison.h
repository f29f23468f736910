// The frame both engine-vs-tool benchmarks share (engine_vs_fio,
// engine_vs_ior): their common flags and cases, the alternating run order,
// and the JSON report.
//
//   BenchOptions options{.tools = {{"--fio", "fio"}}};
//   absl::Status parsed = ParseBenchFlags(argc, argv, "--processes", &options);
//   absl::StatusOr<PhaseRuns> runs = RunAlternating(options, c, run_phase, remove_files);
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "bench/common/engine_phase.h"
#include "nlohmann/json.hpp"

namespace fta::bench {

struct BenchOptions {
  std::string dir = "/tmp";
  uint64_t size = uint64_t{1} << 30;  // bytes per rank (one block)
  uint64_t transfer = uint64_t{1} << 20;
  int reps = 3;
  int warmup = 1;
  int ranks = 2;
  std::vector<std::string> cases = {"buffered", "fsync", "odirect"};
  double goal = 0.97;
  // The compared tool's own flags ("--fio", "--ior", "--mpirun") and values,
  // defaults filled in.
  std::map<std::string, std::string> tools;
};

// --dir --size --transfer --reps --warmup --goal --cases, `ranks_flag` for
// the rank count and every key of options->tools. INVALID_ARGUMENT naming
// the flag.
absl::Status ParseBenchFlags(int argc, char** argv, const std::string& ranks_flag, BenchOptions* options);

// "fsync": -e, write only (its read would be the buffered read again);
// "odirect": O_DIRECT; anything else buffered.
struct BenchCase {
  std::string name;
  bool fsync = false;
  bool direct = false;
  bool read = true;
};
BenchCase CaseNamed(const std::string& name);

// The engine's phase of a case: options.ranks ranks, one block of
// options.size each, files dir/enginebench.%08d.
EnginePhase EnginePhaseOf(const BenchOptions& options, const BenchCase& c);

// A run's figures in MiB/s by name ("engine_ior", "fio", ...); the first is
// the one printed while running.
using Figures = std::vector<std::pair<std::string, double>>;
// Per phase ("write", "read"), every counted figure by name.
using PhaseRuns = std::map<std::string, std::map<std::string, std::vector<double>>>;

// One case: options.warmup uncounted pairs, then options.reps counted ones,
// strictly alternating (engine, tool, engine, tool, ...) so drift in the
// machine (writeback, host cache) hits both alike. `remove_files` runs before
// every turn and after the last, `sync` untimed before every phase;
// `run(engine_turn, write)` runs a phase. Stops at the first error.
absl::StatusOr<PhaseRuns> RunAlternating(const BenchOptions& options, const BenchCase& c,
                                         const std::function<absl::StatusOr<Figures>(bool, bool)>& run,
                                         const std::function<void()>& remove_files);

// The report's opening fields: benchmark, directory, `<noun>s`,
// `bytes_per_<noun>`, transfer_size, repetitions, warmup_pairs, goal_ratio.
nlohmann::json ReportHeader(const std::string& benchmark, const std::string& noun, const BenchOptions& options);

// Every case of options.cases (`run_case`), each phase that ran made an
// entry by `entry(runs)` (which sets its "ratio") with "case", "phase" and
// "goal_met"; printed to stdout after `header` with "all_goals_met".
// Returns the exit code (1 after a failed case, which is printed).
int RunCases(nlohmann::json header, const BenchOptions& options,
             const std::function<absl::StatusOr<PhaseRuns>(const BenchCase&)>& run_case,
             const std::function<nlohmann::json(std::map<std::string, std::vector<double>>&)>& entry);

}  // namespace fta::bench
