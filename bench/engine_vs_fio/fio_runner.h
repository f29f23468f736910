// Runs fio as a subprocess (argv, no shell) and reads its JSON report.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace fta::bench {

struct FioJob {
  std::string fio = "fio";  // binary (PATH lookup)
  std::string directory;
  std::string name = "fiobench";
  std::string rw;           // "write" | "read"
  uint64_t block_size = 0;  // --bs
  uint64_t size = 0;        // --size per job
  int jobs = 2;             // --numjobs (processes)
  bool end_fsync = false;   // --end_fsync=1
  bool direct = false;      // --direct=1
};

// fio's own figure for the group: io_bytes / runtime of the `rw` direction.
struct FioResult {
  uint64_t io_bytes = 0;
  double runtime_seconds = 0;
  double mib_per_second = 0;
};

// The argv used for `job` (fio --output-format=json ...).
std::vector<std::string> FioArgv(const FioJob& job);

// Runs fio; a non-zero exit, a missing JSON document or missing fields are
// errors quoting fio's output.
absl::StatusOr<FioResult> RunFio(const FioJob& job);

// Paths of the files fio creates for `job` (<dir>/<name>.<k>.0).
std::vector<std::string> FioFiles(const FioJob& job);

}  // namespace fta::bench
