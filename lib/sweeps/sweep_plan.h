// The runs a sweep consists of, in the order they run, derived from its
// spec alone so that a resumed sweep (after a daemon restart) finds the same
// plan and continues with the first step that has no completed run.
//
// Order: per transfer size (spec order), per repetition: the native 1-rank
// baseline (with --native), then per N ascending the N-FTA run followed by
// the native N-rank run (with --native and N > 1; N = 1 is the baseline).
//
// Block size rule: IOR requires block % transfer == 0 (`-t 10k -b 48g` is
// refused by IOR). Rather than failing the sweep, the block is rounded down
// to a multiple of each transfer size, as the poster's "-t 100k -b 64000k"
// does by hand, and the step's note says so. A block smaller than a transfer
// size is refused up front (INVALID_ARGUMENT naming -b).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "fta/v1/sweep.pb.h"

namespace fta::hostd {

inline constexpr int kMaxSweepRepetitions = 100;

struct SweepStep {
  int step = 0;
  uint64_t transfer_size = 0;
  uint64_t block_size = 0;  // rounded
  std::string note;         // "" when -b was used as given
  int fta_count = 0;
  fta::v1::SweepTarget target = fta::v1::SWEEP_TARGET_UNSPECIFIED;
  int ranks = 1;
  int repetition = 0;
};

// Largest multiple of `transfer` not above `block`; `note` explains a
// change. 0 when block < transfer.
uint64_t RoundBlockDown(uint64_t block, uint64_t transfer, std::string* note);

// Validates the spec's shape (errors are INVALID_ARGUMENT naming the field
// as ftactl spells it: --vms, -t, -b, -d, --reps) and lists the steps. Does
// not look at the file system or the host's capacity.
absl::StatusOr<std::vector<SweepStep>> PlanSweep(const fta::v1::SweepSpec& spec);

}  // namespace fta::hostd
