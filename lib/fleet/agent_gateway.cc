#include "lib/fleet/agent_gateway.h"

#include <deque>
#include <memory>
#include <mutex>

#include "absl/base/thread_annotations.h"
#include "lib/core/rpc_status.h"
#include "spdlog/spdlog.h"

namespace fta::hostd {
namespace {

using fta::agent::v1::AgentMessage;
using fta::agent::v1::HostMessage;

class AgentStream;

// What the registry holds: outlives the reactor, so a Send after the stream
// ended is a harmless no-op instead of a use-after-free.
class StreamHandle final : public AgentConnection {
 public:
  explicit StreamHandle(AgentStream* stream) : stream_(stream) {}
  void Send(const HostMessage& message) override;
  void Close(const std::string& reason) override;
  void Detach() {
    std::lock_guard<std::mutex> lock(mu_);
    stream_ = nullptr;
  }

 private:
  std::mutex mu_;
  AgentStream* stream_ ABSL_GUARDED_BY(mu_);
};

class AgentStream final : public grpc::ServerBidiReactor<AgentMessage, HostMessage> {
 public:
  AgentStream(grpc::CallbackServerContext* context, AgentRegistry* registry)
      : context_(context), registry_(registry), handle_(std::make_shared<StreamHandle>(this)) {
    StartRead(&incoming_);
  }

  void Enqueue(const HostMessage& message) {
    std::lock_guard<std::mutex> lock(mu_);
    if (finishing_) return;
    outgoing_.push_back(message);
    if (!write_in_flight_) StartNextWriteLocked();
  }

  void Cancel(const std::string& reason) {
    spdlog::debug("closing stream of {}: {}", fta_id_, reason);
    context_->TryCancel();
  }

  void OnReadDone(bool ok) override {
    if (!ok) {
      EndStream(grpc::Status::OK, "stream closed");
      return;
    }
    if (fta_id_.empty()) {
      if (!incoming_.has_hello()) {
        EndStream(grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "first message must be a hello"),
                  "no hello");
        return;
      }
      absl::Status accepted = registry_->OnHello(incoming_.hello(), handle_);
      if (!accepted.ok()) {
        spdlog::warn("refused agent {}: {}", incoming_.hello().fta_id(), std::string(accepted.message()));
        EndStream(ToGrpcStatus(accepted), "refused");
        return;
      }
      fta_id_ = incoming_.hello().fta_id();
      HostMessage welcome;
      welcome.mutable_welcome()->set_heartbeat_interval_ms(registry_->heartbeat_interval_ms());
      Enqueue(welcome);
    } else {
      registry_->OnMessage(fta_id_, incoming_);
    }
    StartRead(&incoming_);
  }

  void OnWriteDone(bool ok) override {
    std::lock_guard<std::mutex> lock(mu_);
    write_in_flight_ = false;
    if (!ok) {
      // The stream is broken; the read side sees it too and ends the call.
      outgoing_.clear();
      if (finishing_ && !finished_) {
        finished_ = true;
        Finish(final_status_);
      }
      return;
    }
    outgoing_.pop_front();
    if (!outgoing_.empty()) {
      StartNextWriteLocked();
    } else if (finishing_ && !finished_) {
      finished_ = true;
      Finish(final_status_);
    }
  }

  void OnDone() override {
    handle_->Detach();
    delete this;
  }

 private:
  void StartNextWriteLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    write_in_flight_ = true;
    StartWrite(&outgoing_.front());
  }

  // Reads are over: tell the registry, then finish once queued writes drained.
  void EndStream(grpc::Status status, const std::string& reason) {
    if (!fta_id_.empty()) registry_->OnDisconnect(fta_id_, handle_.get(), reason);
    std::lock_guard<std::mutex> lock(mu_);
    finishing_ = true;
    final_status_ = std::move(status);
    if (!write_in_flight_ && !finished_) {
      finished_ = true;
      Finish(final_status_);
    }
  }

  grpc::CallbackServerContext* context_;
  AgentRegistry* registry_;
  std::shared_ptr<StreamHandle> handle_;
  AgentMessage incoming_;
  std::string fta_id_;  // set by the accepted hello; read-side only

  std::mutex mu_;
  std::deque<HostMessage> outgoing_ ABSL_GUARDED_BY(mu_);
  bool write_in_flight_ ABSL_GUARDED_BY(mu_) = false;
  bool finishing_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  grpc::Status final_status_ ABSL_GUARDED_BY(mu_);
};

void StreamHandle::Send(const HostMessage& message) {
  std::lock_guard<std::mutex> lock(mu_);
  if (stream_ != nullptr) stream_->Enqueue(message);
}

void StreamHandle::Close(const std::string& reason) {
  std::lock_guard<std::mutex> lock(mu_);
  if (stream_ != nullptr) stream_->Cancel(reason);
}

}  // namespace

grpc::ServerBidiReactor<AgentMessage, HostMessage>* AgentGatewayService::Connect(
    grpc::CallbackServerContext* context) {
  return new AgentStream(context, registry_);
}

}  // namespace fta::hostd
