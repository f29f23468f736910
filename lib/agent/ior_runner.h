// The real `ior` binary as an agent engine (job engine "ior").
//
// One ior process per rank per phase: the coordinator already drives every
// phase of every iteration across agents (GO with a common start time), so
// each rank's phase is one single-process IOR run with -i 1:
//
//   ior -a POSIX -F -w|-r -t T -b B -s S -i 1 -k [-E on read] [-e] [-Y] [-z] [--posix.odirect]
//       -o <directory>/<file>.<rank %08d>
//       -O summaryFormat=JSON,summaryFile=<private temp dir>/summary.json
//
// IOR (one task, file-per-process) then uses <directory>/<file>.<rank>.00000000.
// -k is always given because removal is its own phase here (the agent
// unlinks the file, timed). -C reads the file of rank (r + Q) % N, which is
// IOR's node shift for one rank per FTA. -d and -T are the coordinator's
// (it delays or skips the GO); -g, -D, -u and read verification are refused
// for this engine by fta-hostd (IorEngineSupports in lib/jobs).
// The process is started with posix_spawn (never a shell); its JSON summary
// is parsed (the text output on stdout is the fallback if the file is
// missing); a failing run becomes an ABORTED status quoting IOR.
//
// Timestamps: the agent measures the process with its own clock: open
// start = just before posix_spawn, close end = when waitpid returned, and
// the inner split is placed at the end of that window using IOR's reported
// open/wr-rd/close durations. The result says so: timestamp_source() ==
// "agent-wallclock". (IOR's verbose-3 timer lines would give IOR's own
// absolute open/close times, but they come with an environment dump on
// stdout and we have no recorded output of that level to test a parser
// against; the agent's clock is the same clock the built-in engine uses.)
// The window includes process start-up, so aggregates are slightly
// conservative; IOR's own figure is kept in reported_bandwidth_mib().
//
// Version: IOR has no --version and `ior -h` prints no version, so
// ProbeIorVersion makes one tiny write-only run (8 bytes, in a private temp
// directory, removed afterwards) and reads "Version" from its JSON summary.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "fta/v1/common.pb.h"
#include "lib/agent/rank_engine.h"
#include "lib/core/clock.h"
#include "lib/ior/ior_params.h"

namespace fta::agent {

inline constexpr char kTimestampSourceAgentWallclock[] = "agent-wallclock";

struct IorProcessResult {
  int exit_code = 0;
  int signal = 0;  // non-zero when the process was killed
  std::string stdout_text;
  std::string stderr_text;
  int64_t spawn_ns = 0;  // agent clock just before posix_spawn
  int64_t exit_ns = 0;   // agent clock when waitpid returned
};

// Runs `ior_path args...` with stdout/stderr captured in `scratch_dir`.
// A true *cancel kills the process (SIGKILL) and returns CANCELLED.
// Bytes a process has passed through read(2)/write(2) so far
// (/proc/<pid>/io rchar, wchar): ior's live progress, as the kernel counts
// it. NOT_FOUND once the process is reaped.
struct ProcessIo {
  int64_t read_bytes = 0;
  int64_t written_bytes = 0;
};
absl::StatusOr<ProcessIo> ReadProcessIo(int pid);

// `on_io` (may be empty) is called while the process runs, and once more
// with its final counts before it is reaped.
absl::StatusOr<IorProcessResult> RunIorProcess(const std::string& ior_path, const std::vector<std::string>& args,
                                               const std::string& scratch_dir, const Clock& clock,
                                               const std::atomic<bool>* cancel,
                                               const std::function<void(const ProcessIo&)>& on_io = {});

// The argv (without argv[0]) for one rank's write or read phase.
std::vector<std::string> IorPhaseArgs(const ior::IorParams& params, int rank, int total_ranks, fta::v1::Phase phase,
                                      const std::string& summary_file);

// The file IOR uses for `rank`'s own data: <dir>/<file>.<rank %08d>.00000000.
std::string IorRankFile(const ior::IorParams& params, int rank);

// "4.1.0+dev", from a tiny run of `ior_path` (see above).
absl::StatusOr<std::string> ProbeIorVersion(const std::string& ior_path);

// Engines that run `ior_path`; `clock` is not owned.
EngineFactory MakeIorEngineFactory(const Clock* clock, std::string ior_path);

}  // namespace fta::agent
