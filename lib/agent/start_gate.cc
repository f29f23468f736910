#include "lib/agent/start_gate.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace fta::agent {

StartGate::StartGate(const Clock* clock, int64_t start_at_unix_ns, const std::atomic<bool>* abort,
                     absl::Duration spin)
    : clock_(clock),
      start_at_(start_at_unix_ns),
      abort_(abort),
      spin_ns_(std::max<int64_t>(0, absl::ToInt64Nanoseconds(spin))) {}

absl::Status StartGate::Wait() {
  int64_t now = clock_->NowUnixNanos();
  int64_t seen = last_parked_.load();
  while (seen < now && !last_parked_.compare_exchange_weak(seen, now)) {
  }
  const int64_t slice_ns = absl::ToInt64Nanoseconds(kAbortSlice);
  while (now < start_at_) {
    if (abort_ != nullptr && abort_->load()) {
      return absl::CancelledError(
          absl::StrCat("job dropped while waiting for the start at ", start_at_, " ns"));
    }
    const int64_t wake_at = start_at_ - spin_ns_;
    // Sleeping up to the spin window; inside it, only the clock is read.
    // The slices end at whole slices before the instant, the same for every
    // rank: a rank parked early never wakes within the last slice, where it
    // would take a core from ranks of other agents starting (256 FTAs parked
    // 30-450 ms ahead: about 5 such wake-ups per ms of the start otherwise).
    if (now < wake_at) clock_->SleepUntil(wake_at - (wake_at - now - 1) / slice_ns * slice_ns);
    now = clock_->NowUnixNanos();
  }
  return absl::OkStatus();
}

}  // namespace fta::agent
