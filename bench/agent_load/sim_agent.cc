#include "bench/agent_load/sim_agent.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <utility>

#include "absl/time/clock.h"
#include "lib/agent/sample_batcher.h"

namespace fta::bench {

using fta::agent::v1::AgentMessage;
using fta::agent::v1::HostMessage;

SimAgent::SimAgent(std::string fta_id, std::string token, const SimAgentOptions& options)
    : fta_id_(std::move(fta_id)), token_(std::move(token)), options_(options) {}

void SimAgent::Start() {
  grpc::ChannelArguments args;
  // A connection of its own, as every real agent has (the daemon allows one
  // stream per connection): no subchannel shared between the agents.
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  channel_ = grpc::CreateCustomChannel(options_.endpoint, grpc::InsecureChannelCredentials(), args);
  stub_ = fta::agent::v1::AgentGateway::NewStub(channel_);
  stub_->async()->Connect(&context_, this);
  AgentMessage hello;
  fta::agent::v1::AgentHello* body = hello.mutable_hello();
  body->set_fta_id(fta_id_);
  body->set_hostname("agent-load");
  body->set_agent_version("agent-load");
  body->set_pid(getpid());
  body->set_token(token_);
  {
    std::lock_guard<std::mutex> lock(mu_);
    started_ns_ = absl::GetCurrentTimeNanos();
    EnqueueLocked(std::move(hello));
  }
  StartRead(&incoming_);
  StartCall();
}

void SimAgent::EnqueueLocked(AgentMessage message) {
  if (done_) return;
  outgoing_.push_back(std::move(message));
  // Any message keeps the agent alive for the host: like fta-agent, the
  // next heartbeat is due an interval after the last message.
  if (heartbeat_ms_ > 0) next_heartbeat_ns_ = absl::GetCurrentTimeNanos() + int64_t{heartbeat_ms_} * 1000000;
  if (!writing_) {
    writing_ = true;
    StartWrite(&outgoing_.front());
  }
}

void SimAgent::OnWriteDone(bool ok) {
  std::lock_guard<std::mutex> lock(mu_);
  writing_ = false;
  if (!ok) {
    outgoing_.clear();
    done_ = true;
    return;
  }
  outgoing_.pop_front();
  last_write_done_ns_ = absl::GetCurrentTimeNanos();
  if (!outgoing_.empty()) {
    writing_ = true;
    StartWrite(&outgoing_.front());
  }
}

void SimAgent::OnReadDone(bool ok) {
  if (!ok) return;  // the stream ended; OnDone follows
  Handle(incoming_);
  StartRead(&incoming_);
}

void SimAgent::OnDone(const grpc::Status& status) {
  // The bench's JSON counts ended streams; stderr says why each ended.
  std::lock_guard<std::mutex> lock(mu_);
  const int64_t now_ns = absl::GetCurrentTimeNanos();
  auto ago_ms = [now_ns](int64_t t) { return t == 0 ? -1.0 : (now_ns - t) / 1e6; };
  std::fprintf(stderr,
               "agent_load: %s: stream ended: %d %s (started %.0f ms ago, welcomed %.0f ms ago, last write done "
               "%.0f ms ago, %zu queued)\n",
               fta_id_.c_str(), static_cast<int>(status.error_code()), status.error_message().c_str(),
               ago_ms(started_ns_), ago_ms(welcomed_ns_.load()), ago_ms(last_write_done_ns_), outgoing_.size());
  done_ = true;
  ended_ = true;
}

void SimAgent::Handle(const HostMessage& message) {
  const int64_t now_ns = absl::GetCurrentTimeNanos();
  std::lock_guard<std::mutex> lock(mu_);
  if (message.has_welcome()) {
    heartbeat_ms_ = std::max(50, message.welcome().heartbeat_interval_ms());
    next_heartbeat_ns_ = now_ns + int64_t{heartbeat_ms_} * 1000000;
    welcomed_ns_ = now_ns;
  } else if (message.has_part()) {
    part_ = message.part();
    in_phase_ = false;
    AgentMessage ready;
    ready.mutable_ready()->set_job_id(part_.job_id());
    EnqueueLocked(std::move(ready));
  } else if (message.has_go() && message.go().job_id() == part_.job_id()) {
    go_ = message.go();
    in_phase_ = true;
    phase_start_ns_ = std::max(now_ns, go_.start_at_unix_ns());
    last_sample_ns_ = phase_start_ns_;
    batch_.Clear();
    batch_.mutable_sample_batch()->set_job_id(part_.job_id());
  } else if (message.has_cancel() || message.has_finish()) {
    in_phase_ = false;
  }
}

void SimAgent::Tick(int64_t now_ns) {
  std::lock_guard<std::mutex> lock(mu_);
  if (done_ || welcomed_ns_.load() == 0) return;
  if (now_ns >= next_heartbeat_ns_) {
    AgentMessage beat;
    beat.mutable_heartbeat()->set_unix_ms(now_ns / 1000000);
    EnqueueLocked(std::move(beat));
    next_heartbeat_ns_ = now_ns + int64_t{heartbeat_ms_} * 1000000;
  }
  if (!in_phase_ || now_ns < phase_start_ns_) return;
  const bool removing = go_.phase() == fta::v1::PHASE_REMOVE;
  const int64_t end_ns = phase_start_ns_ + (removing ? 0 : options_.phase_ns);
  const int64_t until = std::min(now_ns, end_ns);
  const int64_t rank_bytes = part_.params().block_size_bytes() * std::max<int64_t>(1, part_.params().segments());
  const int64_t total = removing ? 0 : rank_bytes * part_.ranks_size();
  auto done_by = [&](int64_t t) {
    return options_.phase_ns <= 0 ? total
                                  : static_cast<int64_t>(static_cast<double>(total) *
                                                         static_cast<double>(t - phase_start_ns_) / options_.phase_ns);
  };
  if (until > last_sample_ns_ && !removing) {
    fta::agent::v1::ThroughputSample* sample = batch_.mutable_sample_batch()->add_samples();
    sample->set_iteration(go_.iteration());
    sample->set_phase(go_.phase());
    sample->set_interval_start_ns(last_sample_ns_);
    sample->set_interval_end_ns(until);
    sample->set_bytes(done_by(until) - done_by(last_sample_ns_));
    sample->set_ops(part_.params().transfer_size_bytes() > 0 ? sample->bytes() / part_.params().transfer_size_bytes()
                                                              : 0);
    last_sample_ns_ = until;
    samples_sent_.fetch_add(1, std::memory_order_relaxed);
    // The part's window in samples, as fta-agent holds them; a zero window
    // sends each sample alone.
    const int batch_samples =
        part_.sample_batch_ms() <= 0
            ? 1
            : agent::SampleBatcher::WindowFor(std::chrono::milliseconds(part_.sample_batch_ms()),
                                              std::chrono::milliseconds(part_.sample_interval_ms()))
                  .max_samples;
    if (batch_.sample_batch().samples_size() >= batch_samples) {
      EnqueueLocked(batch_);
      batch_.mutable_sample_batch()->mutable_samples()->Clear();
    }
  }
  if (now_ns >= end_ns) EndPhaseLocked(now_ns);
}

// The last samples, then the ranks' results, as fta-agent sends them.
void SimAgent::EndPhaseLocked(int64_t now_ns) {
  in_phase_ = false;
  if (batch_.sample_batch().samples_size() > 0) {
    EnqueueLocked(batch_);
    batch_.mutable_sample_batch()->mutable_samples()->Clear();
  }
  const bool removing = go_.phase() == fta::v1::PHASE_REMOVE;
  const int64_t rank_bytes = removing ? 0 : part_.params().block_size_bytes() *
                                                std::max<int64_t>(1, part_.params().segments());
  AgentMessage done;
  fta::agent::v1::PhaseDone* body = done.mutable_phase_done();
  body->set_job_id(part_.job_id());
  for (int rank : part_.ranks()) {
    fta::v1::RankPhaseResult* r = body->add_ranks();
    r->set_fta_id(fta_id_);
    r->set_rank(rank);
    r->set_iteration(go_.iteration());
    r->set_phase(go_.phase());
    r->set_open_start_ns(phase_start_ns_);
    r->set_open_end_ns(phase_start_ns_ + 1000);
    r->set_xfer_start_ns(phase_start_ns_ + 1000);
    r->set_xfer_end_ns(std::max(now_ns - 1000, phase_start_ns_ + 2000));
    r->set_close_start_ns(std::max(now_ns - 1000, phase_start_ns_ + 2000));
    r->set_close_end_ns(std::max(now_ns, phase_start_ns_ + 3000));
    r->set_bytes(rank_bytes);
    const int64_t transfer = part_.params().transfer_size_bytes();
    r->set_ops(transfer > 0 ? rank_bytes / transfer : 0);
    r->set_timestamp_source("engine");
  }
  EnqueueLocked(std::move(done));
}

}  // namespace fta::bench
