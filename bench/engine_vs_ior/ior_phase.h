// One phase of the real IOR as the poster ran it: `mpirun -np N ior -a POSIX
// -F -w|-r ...` (argv, no shell), its JSON summary written to a file and
// read back with lib/ior's parser; the figure is IOR's own bwMiB.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/ior/ior_output.h"

namespace fta::bench {

struct IorPhase {
  std::string mpirun = "mpirun";
  std::string ior;        // the binary (scripts/build-ior.sh prints its path)
  std::string dir;
  std::string file_name = "iorbench";  // IOR's -o: dir/file_name.%08d per rank
  uint64_t size = 0;      // -b, one block per rank
  uint64_t transfer = 0;  // -t
  int ranks = 2;          // -np
  bool fsync = false;     // -e
  bool direct = false;    // --posix.odirect
};

std::vector<std::string> IorArgv(const IorPhase& phase, bool write, const std::string& summary_file);

// IOR's bandwidth (MiB/s) for the phase; errors quote mpirun/IOR.
absl::StatusOr<double> RunIorPhase(const IorPhase& phase, bool write);

void RemoveIorFiles(const IorPhase& phase);

// Reads, removes and parses an IOR summary file.
absl::StatusOr<ior::IorRun> TakeIorSummary(const std::string& summary_file);

}  // namespace fta::bench
