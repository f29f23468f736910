#include "lib/agent/sample_batcher.h"

#include <algorithm>
#include <utility>

namespace fta::agent {

SampleBatcher::SampleBatcher(const std::string& job_id, int iteration, fta::v1::Phase phase, Window window,
                             Send send)
    : window_{std::max(window.max_samples, 1), window.max_span}, send_(std::move(send)) {
  message_.mutable_sample_batch()->set_job_id(job_id);
  template_.set_iteration(iteration);
  template_.set_phase(phase);
  if (window_.max_span.count() <= 0) template_.set_job_id(job_id);
}

SampleBatcher::Window SampleBatcher::WindowFor(std::chrono::milliseconds batch, std::chrono::milliseconds interval) {
  const int64_t per_batch = interval.count() > 0 ? batch.count() / interval.count() : 10;
  return Window{static_cast<int>(std::clamp<int64_t>(per_batch, 10, 1000)), batch};
}

void SampleBatcher::Add(const SampleDelta& delta) {
  fta::agent::v1::ThroughputSample sample = template_;
  sample.set_interval_start_ns(delta.start_ns);
  sample.set_interval_end_ns(delta.end_ns);
  sample.set_bytes(static_cast<int64_t>(delta.bytes));
  sample.set_ops(static_cast<int64_t>(delta.ops));
  if (window_.max_span.count() <= 0) {
    fta::agent::v1::AgentMessage alone;
    *alone.mutable_sample() = std::move(sample);
    send_(alone);
    return;
  }
  auto* samples = message_.mutable_sample_batch()->mutable_samples();
  *samples->Add() = std::move(sample);
  const int64_t span_ns = samples->rbegin()->interval_end_ns() - samples->begin()->interval_start_ns();
  if (samples->size() >= window_.max_samples ||
      span_ns >= std::chrono::duration_cast<std::chrono::nanoseconds>(window_.max_span).count()) {
    Flush();
  }
}

void SampleBatcher::Flush() {
  if (held() == 0) return;
  send_(message_);
  message_.mutable_sample_batch()->mutable_samples()->Clear();
}

}  // namespace fta::agent
