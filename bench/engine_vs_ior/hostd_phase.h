// The other side of `engine_vs_ior --mode hostd`: IOR run by fta-hostd
// (`ftactl ior run --engine ior`: one mpirun over two process FTAs, orted
// launched through fta-mpi-relay and the agents) against the same IOR under
// a direct `mpirun -np 2`, each one whole IOR run (-w [-r]) per repetition.
// Figures are IOR's own bwMiB on both sides: the stored job's aggregates
// and the direct run's JSON summary.
#pragma once

#include <sys/types.h>

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "bench/engine_vs_ior/ior_phase.h"
#include "lib/core/clock.h"

namespace fta::bench {

// A private fta-hostd (process backend) with `ftas` FTAs whose agents find
// `ior` in their PATH; its sockets and state under `root`.
class HostdUnderTest {
 public:
  static absl::StatusOr<HostdUnderTest> Start(const std::string& build_dir, const std::string& root,
                                              const std::string& ior, int ftas, const Clock& clock);
  HostdUnderTest(HostdUnderTest&& other) noexcept;
  HostdUnderTest& operator=(HostdUnderTest&&) = delete;
  ~HostdUnderTest();  // releases the FTAs, SIGTERM, waits

  // One job: IOR's MiB/s per phase ("write", "read").
  absl::StatusOr<std::map<std::string, double>> RunJob(const IorPhase& pattern, bool read) const;

 private:
  HostdUnderTest(std::string build_dir, std::string root, pid_t pid)
      : build_dir_(std::move(build_dir)), root_(std::move(root)), pid_(pid) {}
  std::vector<std::string> Ftactl(std::vector<std::string> args) const;

  std::string build_dir_;
  std::string root_;
  pid_t pid_ = -1;
};

// One direct `mpirun -np N ior -w [-r] ...`: IOR's MiB/s per phase.
absl::StatusOr<std::map<std::string, double>> RunIorWhole(const IorPhase& pattern, bool read);

}  // namespace fta::bench
