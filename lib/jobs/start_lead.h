// StartLead: how far ahead of its GO a phase's common start must lie so that
// every agent has the GO and its ranks parked ready to open before it
// (lib/agent/start_gate.h). A GO reaches the agents one after another and
// each agent needs CPU to take it; on a busy host with many agents that adds
// up, and a start that lies too close makes the ranks open as the GO
// reaches them, skewed by the whole delivery.
//
// Per agent it keeps an estimate of the delivery time: from the send of a
// message to the agent (part or GO) to the agent having acted on it (READY
// received; for a GO the time its ranks parked, PhaseDone). The estimate
// follows a slower delivery at once and a faster one gradually. The lead is
//   max over the job's agents of the estimate x margin + the send loop,
// within [floor, cap]; an agent never measured counts as `unmeasured`, and
// one whose ranks never parked yet (only READYs seen) counts `cold_factor`
// times its estimate: its first GO costs it more than a READY (its first
// threads and their memory; 64 new process FTAs on 2 cores parked 21-31 ms
// after a start set 35-37 ms ahead from READYs alone).
// Thread-safe: one instance serves every running job.
//
//   absl::Duration lead = leads.LeadFor(ids, last_send_loop);
//   leads.Observe("fta-3", parked - sent);
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/time/time.h"

namespace fta::hostd {

struct StartLeadOptions {
  absl::Duration floor = absl::Milliseconds(4);
  absl::Duration cap = absl::Seconds(2);
  double margin = 1.5;
  absl::Duration unmeasured = absl::Milliseconds(20);
  double cold_factor = 3.0;
};

// What a delivery time was measured on.
enum class Delivery { kReady, kParked };

class StartLead {
 public:
  explicit StartLead(StartLeadOptions options = {}) : options_(options) {}

  // One delivery to `fta_id` took `delivery` (negative ones, from clocks
  // that disagree, count as zero; longer than the cap as the cap).
  void Observe(const std::string& fta_id, absl::Duration delivery, Delivery kind);
  // The lead for a GO to `fta_ids` whose send loop took `send_loop` last time.
  absl::Duration LeadFor(const std::vector<std::string>& fta_ids, absl::Duration send_loop) const;
  // The estimate for one agent (`unmeasured` when there is none; x
  // cold_factor before its first parked GO).
  absl::Duration EstimateFor(const std::string& fta_id) const;

 private:
  // FTA ids are not reused, so estimates of released FTAs pile up; past this
  // many all are dropped and relearnt from the next READYs.
  static constexpr size_t kMaxAgents = 4096;

  const StartLeadOptions options_;
  mutable std::mutex mu_;
  struct Estimate {
    int64_t ns = 0;
    bool parked_seen = false;
  };
  std::map<std::string, Estimate> estimate_ns_ ABSL_GUARDED_BY(mu_);
};

}  // namespace fta::hostd
