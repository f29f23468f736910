#include "lib/fleet/agent_gateway.h"

#include <algorithm>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include <grpc/grpc_security_constants.h>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "lib/core/abbreviate.h"
#include "lib/core/periodic.h"
#include "lib/core/rpc_status.h"
#include "lib/pki/certificate_authority.h"
#include "spdlog/spdlog.h"

namespace fta::hostd {
// Not anonymous: StreamWatch (declared in the header) holds these.
namespace gateway_detail {

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
  // Ends a stream that has not said hello (no-op once it has).
  void Expire(const grpc::Status& status);
  void Detach() {
    std::lock_guard<std::mutex> lock(mu_);
    stream_ = nullptr;
  }

 private:
  std::mutex mu_;
  AgentStream* stream_ ABSL_GUARDED_BY(mu_);
};

}  // namespace gateway_detail

using fta::agent::v1::AgentMessage;
using fta::agent::v1::HostMessage;
using gateway_detail::StreamHandle;

// Counts the streams and ends the ones that stay silent (AgentGatewayService
// Options). Streams register at creation and leave at hello or OnDone.
class StreamWatch {
 public:
  StreamWatch(AgentGatewayService::Options options, const Clock* clock)
      : options_(options),
        clock_(clock),
        ticker_("hello deadline",
                std::clamp(options.hello_timeout / 4, absl::Milliseconds(50), absl::Seconds(1)),
                [this] { ExpireSilent(); }) {}

  // False when max_streams are open already.
  bool Admit(const std::shared_ptr<StreamHandle>& handle) {
    std::lock_guard<std::mutex> lock(mu_);
    if (open_ >= options_.max_streams) return false;
    ++open_;
    silent_[handle.get()] = {handle, clock_->Now()};
    return true;
  }
  void Greeted(StreamHandle* handle) {
    std::lock_guard<std::mutex> lock(mu_);
    silent_.erase(handle);
  }
  void Done(StreamHandle* handle, bool admitted) {
    std::lock_guard<std::mutex> lock(mu_);
    silent_.erase(handle);
    if (admitted) --open_;
  }
  int max_streams() const { return options_.max_streams; }

 private:
  void ExpireSilent() {
    std::vector<std::shared_ptr<StreamHandle>> late;
    {
      std::lock_guard<std::mutex> lock(mu_);
      absl::Time cutoff = clock_->Now() - options_.hello_timeout;
      for (auto it = silent_.begin(); it != silent_.end();) {
        if (it->second.second > cutoff) {
          ++it;
          continue;
        }
        if (auto handle = it->second.first.lock()) late.push_back(std::move(handle));
        it = silent_.erase(it);
      }
    }
    if (!late.empty()) spdlog::info("closing {} agent stream(s) that sent no hello in time", late.size());
    grpc::Status status(grpc::StatusCode::DEADLINE_EXCEEDED,
                        absl::StrCat("no hello within agents.hello_timeout_s (",
                                     absl::FormatDuration(options_.hello_timeout), ")"));
    for (auto& handle : late) handle->Expire(status);
  }

  const AgentGatewayService::Options options_;
  const Clock* clock_;
  std::mutex mu_;
  int open_ ABSL_GUARDED_BY(mu_) = 0;
  std::map<StreamHandle*, std::pair<std::weak_ptr<StreamHandle>, absl::Time>> silent_ ABSL_GUARDED_BY(mu_);
  core::Periodic ticker_;  // last: stops before the rest goes
};

namespace gateway_detail {

class AgentStream final : public grpc::ServerBidiReactor<AgentMessage, HostMessage> {
 public:
  AgentStream(grpc::CallbackServerContext* context, AgentRegistry* registry, StreamWatch* watch,
              std::string certified_id, bool certified)
      : context_(context),
        registry_(registry),
        watch_(watch),
        certified_id_(std::move(certified_id)),
        certified_(certified),
        handle_(std::make_shared<StreamHandle>(this)) {
    admitted_ = watch_->Admit(handle_);
    if (!admitted_) {
      spdlog::warn("refusing an agent stream: agents.max_connections ({}) streams are open", watch_->max_streams());
      std::lock_guard<std::mutex> lock(mu_);
      finishing_ = finished_ = true;
      Finish(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                          absl::StrCat("agents.max_connections: ", watch_->max_streams(), " agent streams are open")));
      return;
    }
    StartRead(&incoming_);
  }

  // The hello deadline passed: ends the stream unless a hello came first.
  void Expire(const grpc::Status& status) {
    std::lock_guard<std::mutex> lock(mu_);
    if (greeted_ || finishing_) return;
    finishing_ = true;
    final_status_ = status;
    if (!write_in_flight_ && !finished_) {
      finished_ = true;
      Finish(final_status_);
    }
  }

  void Enqueue(const HostMessage& message) {
    std::lock_guard<std::mutex> lock(mu_);
    if (finishing_) return;
    outgoing_.push_back(message);
    if (!write_in_flight_) StartNextWriteLocked();
  }

  void Cancel(const std::string& reason) {
    spdlog::debug("closing stream of {}: {}", fta_id_, reason);
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (close_reason_.empty()) close_reason_ = reason;
    }
    context_->TryCancel();
  }

  void OnReadDone(bool ok) override {
    if (!ok) {
      // The host's own reason when it closed the stream (silence, a
      // release, ...): the FTA's recorded error must say why.
      std::string reason;
      {
        std::lock_guard<std::mutex> lock(mu_);
        reason = close_reason_.empty() ? "stream closed" : close_reason_;
      }
      EndStream(grpc::Status::OK, reason);
      return;
    }
    if (fta_id_.empty()) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (finishing_) return;  // expired while this message was on its way
        greeted_ = true;
      }
      watch_->Greeted(handle_.get());
      absl::Status accepted = CheckHello();
      if (!accepted.ok()) {
        spdlog::warn("refused agent {}: {}", Abbreviate(incoming_.hello().fta_id()), std::string(accepted.message()));
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
    watch_->Done(handle_.get(), admitted_);
    handle_->Detach();
    delete this;
  }

 private:
  absl::Status CheckHello() {
    if (!incoming_.has_hello()) return absl::FailedPreconditionError("first message must be a hello");
    if (certified_ && certified_id_.empty()) {
      return absl::PermissionDeniedError("the client certificate names no FTA (no fta://<id> subjectAltName)");
    }
    return registry_->OnHello(incoming_.hello(), certified_id_, handle_);
  }

  void StartNextWriteLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    write_in_flight_ = true;
    StartWrite(&outgoing_.front());
  }

  // Reads are over: tell the registry, then finish once queued writes drained.
  void EndStream(grpc::Status status, const std::string& reason) {
    if (!fta_id_.empty()) registry_->OnDisconnect(fta_id_, handle_.get(), reason);
    std::lock_guard<std::mutex> lock(mu_);
    if (finishing_) return;  // expired: already finishing with its own status
    finishing_ = true;
    final_status_ = std::move(status);
    if (!write_in_flight_ && !finished_) {
      finished_ = true;
      Finish(final_status_);
    }
  }

  grpc::CallbackServerContext* context_;
  AgentRegistry* registry_;
  StreamWatch* watch_;
  const std::string certified_id_;  // FTA id of the peer's client certificate
  const bool certified_;            // the peer presented a verified certificate
  std::shared_ptr<StreamHandle> handle_;
  bool admitted_ = false;
  AgentMessage incoming_;
  std::string fta_id_;  // set by the accepted hello; read-side only

  std::mutex mu_;
  std::deque<HostMessage> outgoing_ ABSL_GUARDED_BY(mu_);
  bool write_in_flight_ ABSL_GUARDED_BY(mu_) = false;
  bool finishing_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  bool greeted_ ABSL_GUARDED_BY(mu_) = false;
  grpc::Status final_status_ ABSL_GUARDED_BY(mu_);
  std::string close_reason_ ABSL_GUARDED_BY(mu_);  // set when the host closes it
};

void StreamHandle::Send(const HostMessage& message) {
  std::lock_guard<std::mutex> lock(mu_);
  if (stream_ != nullptr) stream_->Enqueue(message);
}

void StreamHandle::Close(const std::string& reason) {
  std::lock_guard<std::mutex> lock(mu_);
  if (stream_ != nullptr) stream_->Cancel(reason);
}

void StreamHandle::Expire(const grpc::Status& status) {
  std::lock_guard<std::mutex> lock(mu_);
  if (stream_ != nullptr) stream_->Expire(status);
}

// The FTA id of a TLS peer's verified client certificate ("" when none).
std::string CertifiedId(const grpc::AuthContext& auth) {
  for (const char* property : {GRPC_PEER_URI_PROPERTY_NAME, GRPC_X509_SAN_PROPERTY_NAME}) {
    for (const grpc::string_ref& value : auth.FindPropertyValues(property)) {
      std::string id = pki::FtaIdOfUri(std::string(value.data(), value.size()));
      if (!id.empty()) return id;
    }
  }
  return "";
}

}  // namespace gateway_detail

AgentGatewayService::AgentGatewayService(AgentRegistry* registry, Options options, const Clock* clock)
    : registry_(registry), watch_(std::make_unique<StreamWatch>(options, clock)) {}

AgentGatewayService::~AgentGatewayService() = default;

grpc::ServerBidiReactor<AgentMessage, HostMessage>* AgentGatewayService::Connect(
    grpc::CallbackServerContext* context) {
  std::shared_ptr<const grpc::AuthContext> auth = context->auth_context();
  const bool certified = auth != nullptr && auth->IsPeerAuthenticated();
  std::string certified_id = certified ? gateway_detail::CertifiedId(*auth) : "";
  return new gateway_detail::AgentStream(context, registry_, watch_.get(), std::move(certified_id), certified);
}

}  // namespace fta::hostd
