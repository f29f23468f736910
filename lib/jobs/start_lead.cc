#include "lib/jobs/start_lead.h"

#include <algorithm>

namespace fta::hostd {

void StartLead::Observe(const std::string& fta_id, absl::Duration delivery, Delivery kind) {
  const int64_t sample =
      std::clamp<int64_t>(absl::ToInt64Nanoseconds(delivery), 0, absl::ToInt64Nanoseconds(options_.cap));
  std::lock_guard<std::mutex> lock(mu_);
  if (estimate_ns_.size() >= kMaxAgents && estimate_ns_.count(fta_id) == 0) estimate_ns_.clear();
  auto [it, inserted] = estimate_ns_.emplace(fta_id, Estimate{sample, false});
  if (kind == Delivery::kParked) it->second.parked_seen = true;
  if (inserted) return;
  int64_t& estimate = it->second.ns;
  // Up at once (one late start is one too many), down by a quarter of the
  // gap per sample (a single quick delivery says little about the next).
  estimate = sample >= estimate ? sample : estimate - (estimate - sample) / 4;
}

absl::Duration StartLead::EstimateFor(const std::string& fta_id) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = estimate_ns_.find(fta_id);
  if (it == estimate_ns_.end()) return options_.unmeasured;
  const absl::Duration estimate = absl::Nanoseconds(it->second.ns);
  return it->second.parked_seen ? estimate : estimate * options_.cold_factor;
}

absl::Duration StartLead::LeadFor(const std::vector<std::string>& fta_ids, absl::Duration send_loop) const {
  absl::Duration slowest = absl::ZeroDuration();
  for (const std::string& id : fta_ids) slowest = std::max(slowest, EstimateFor(id));
  const absl::Duration lead = slowest * options_.margin + std::max(send_loop, absl::ZeroDuration());
  return std::clamp(lead, options_.floor, options_.cap);
}

}  // namespace fta::hostd
