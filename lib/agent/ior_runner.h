// The real `ior` binary on an agent: found and probed at start-up (its
// version goes into the Hello), and the per-process I/O counters the agent
// samples for the live progress of engine-ior jobs (exec_runner.h). Jobs of
// engine ior run IOR under one mpirun started by fta-hostd, not here.
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
#include "lib/core/clock.h"

namespace fta::agent {

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

// "4.1.0+dev", from a tiny run of `ior_path` (see above).
absl::StatusOr<std::string> ProbeIorVersion(const std::string& ior_path);

}  // namespace fta::agent
