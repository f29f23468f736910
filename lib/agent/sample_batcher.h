// SampleBatcher: one phase's throughput samples, sent as SampleBatch
// messages (agent.proto) instead of one message per sample, so that 10 Hz
// sampling costs fta-hostd one message per agent and batch window.
//
// A batch is sent when it holds `max_samples` or its samples span
// `max_span` (first interval start to last interval end), and by Flush(),
// which the job runner calls before the phase's PhaseDone or PartFailed:
// the last counts of a phase always arrive, ahead of the result. A zero
// span sends every sample alone as a ThroughputSample (hostds that do not
// ask for batches).
//
//   SampleBatcher batcher(job_id, iteration, phase, {10, 1s}, send);
//   RunPhase(..., [&](const SampleDelta& d) { batcher.Add(d); });
//   batcher.Flush();  // then PhaseDone
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "fta/agent/v1/agent.pb.h"
#include "lib/agent/phase_runner.h"

namespace fta::agent {

class SampleBatcher {
 public:
  struct Window {
    int max_samples = 10;
    std::chrono::milliseconds max_span{1000};  // 0: no batching
  };
  using Send = std::function<void(const fta::agent::v1::AgentMessage&)>;

  // A batch window of `batch` spans `batch / interval` samples: the span
  // decides (the host widens it for large jobs), with at least 10 and at
  // most 1000 samples a message.
  static Window WindowFor(std::chrono::milliseconds batch, std::chrono::milliseconds interval);

  SampleBatcher(const std::string& job_id, int iteration, fta::v1::Phase phase, Window window, Send send);

  // Holds the sample; sends the batch when the window is full.
  void Add(const SampleDelta& delta);
  // Sends what is held (nothing when nothing is).
  void Flush();
  int held() const { return message_.sample_batch().samples_size(); }

 private:
  const Window window_;
  const Send send_;
  fta::agent::v1::AgentMessage message_;  // reused: its samples keep their memory
  fta::agent::v1::ThroughputSample template_;
};

}  // namespace fta::agent
