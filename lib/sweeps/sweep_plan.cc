#include "lib/sweeps/sweep_plan.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "lib/core/status_macros.h"
#include "lib/core/units.h"
#include "lib/fleet/fleet_ports.h"

namespace fta::hostd {

uint64_t RoundBlockDown(uint64_t block, uint64_t transfer, std::string* note) {
  if (transfer == 0 || block < transfer) return 0;
  uint64_t rounded = block / transfer * transfer;
  if (rounded != block && note != nullptr) {
    *note = absl::StrCat("block rounded down from ", FormatSize(block), " to ", FormatSize(rounded),
                         " (a multiple of -t ", FormatSize(transfer), "; IOR requires block % transfer == 0)");
  }
  return rounded;
}

absl::StatusOr<std::vector<SweepStep>> PlanSweep(const fta::v1::SweepSpec& spec) {
  if (spec.fta_counts().empty()) return absl::InvalidArgumentError("--vms: give the FTA counts, e.g. 1..11");
  std::set<int> seen;
  int previous = 0;
  for (int count : spec.fta_counts()) {
    if (count < 1) return absl::InvalidArgumentError(absl::StrCat("--vms: counts must be at least 1, got ", count));
    if (count > kAbsurdFtaCount) {
      return absl::InvalidArgumentError(absl::StrCat("--vms: ", count, " FTAs is more than any host runs"));
    }
    if (!seen.insert(count).second) return absl::InvalidArgumentError(absl::StrCat("--vms: ", count, " is listed twice"));
    if (count < previous) return absl::InvalidArgumentError("--vms: counts must be ascending");
    previous = count;
  }
  if (spec.transfer_sizes().empty()) return absl::InvalidArgumentError("-t: give the transfer sizes, e.g. 10k,100k,1m");
  if (spec.block_size().empty()) return absl::InvalidArgumentError("-b: block size required, e.g. 48g");
  if (spec.directory().empty()) return absl::InvalidArgumentError("-d: directory required (where the test files go)");
  if (spec.repetitions() < 0 || spec.repetitions() > kMaxSweepRepetitions) {
    return absl::InvalidArgumentError(
        absl::StrCat("--reps: must be between 1 and ", kMaxSweepRepetitions, ", got ", spec.repetitions()));
  }
  if (spec.ready_timeout_s() < 0) {
    return absl::InvalidArgumentError(absl::StrCat("ready_timeout_s: must not be negative, got ", spec.ready_timeout_s()));
  }
  FTA_ASSIGN_OR_RETURN(uint64_t block, ParseSize("-b", spec.block_size()));
  const int repetitions = spec.repetitions() > 0 ? spec.repetitions() : 1;

  std::vector<SweepStep> steps;
  std::set<uint64_t> transfers_seen;
  for (const std::string& text : spec.transfer_sizes()) {
    FTA_ASSIGN_OR_RETURN(uint64_t transfer, ParseSize("-t", text));
    if (transfer == 0) return absl::InvalidArgumentError("-t: transfer size must be greater than 0");
    if (!transfers_seen.insert(transfer).second) {
      return absl::InvalidArgumentError(absl::StrCat("-t: ", text, " is listed twice"));
    }
    std::string note;
    uint64_t rounded = RoundBlockDown(block, transfer, &note);
    if (rounded == 0) {
      return absl::InvalidArgumentError(absl::StrCat("-b: block size ", FormatSize(block),
                                                     " is smaller than transfer size ", FormatSize(transfer)));
    }
    auto add = [&](int count, fta::v1::SweepTarget target, int ranks, int repetition) {
      SweepStep step;
      step.step = static_cast<int>(steps.size());
      step.transfer_size = transfer;
      step.block_size = rounded;
      step.note = note;
      step.fta_count = count;
      step.target = target;
      step.ranks = ranks;
      step.repetition = repetition;
      steps.push_back(step);
    };
    for (int repetition = 0; repetition < repetitions; ++repetition) {
      if (spec.native()) add(1, fta::v1::SWEEP_TARGET_NATIVE_SINGLE, 1, repetition);
      for (int count : spec.fta_counts()) {
        add(count, fta::v1::SWEEP_TARGET_FTAS, 1, repetition);
        if (spec.native() && count > 1) add(count, fta::v1::SWEEP_TARGET_NATIVE_MATCHED, count, repetition);
      }
    }
  }
  return steps;
}

}  // namespace fta::hostd
