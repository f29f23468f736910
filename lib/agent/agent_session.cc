#include "lib/agent/agent_session.h"

#include <unistd.h>

#include <algorithm>

#include "absl/time/time.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"
#include "lib/agent/agent_identity.h"
#include "lib/core/file_text.h"
#include "spdlog/spdlog.h"

namespace fta::agent {
namespace {

std::shared_ptr<grpc::Channel> MakeChannel(const AgentOptions& options) {
  grpc::ChannelArguments args;
  // A fresh channel per dial, with its own subchannel: otherwise gRPC's
  // global subchannel pool hands back a subchannel still in its own
  // (up to 2 min) reconnect backoff, and our backoff policy would not hold.
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  if (options.tls_cert_file.empty()) {
    return grpc::CreateCustomChannel(options.connect_address, grpc::InsecureChannelCredentials(), args);
  }
  // The daemon's certificate must chain to the CA and name the host dialed.
  grpc::SslCredentialsOptions tls;
  tls.pem_root_certs = ReadFileOrEmpty(options.tls_ca_file);
  tls.pem_cert_chain = ReadFileOrEmpty(options.tls_cert_file);
  tls.pem_private_key = ReadFileOrEmpty(options.tls_key_file);
  return grpc::CreateCustomChannel(options.connect_address, grpc::SslCredentials(tls), args);
}

}  // namespace

AgentSession::AgentSession(AgentOptions options, const Clock* clock, EngineFactory engine_factory)
    : options_(std::move(options)),
      clock_(clock),
      heartbeat_interval_(options_.default_heartbeat_interval),
      runner_(options_.fta_id, clock, std::move(engine_factory),
              [this](const v1::AgentMessage& m) { return Send(m); }),
      execs_(clock, [this](const v1::AgentMessage& m) { return Send(m); }) {}

AgentSession::~AgentSession() { Stop(); }

void AgentSession::Start() {
  absl::MutexLock lock(&state_mu_);
  if (started_ || stopping_) return;
  started_ = true;
  connection_thread_ = std::thread([this] { ConnectionLoop(); });
  heartbeat_thread_ = std::thread([this] { HeartbeatLoop(); });
}

void AgentSession::Stop() {
  {
    absl::MutexLock lock(&state_mu_);
    if (stopping_) return;
    stopping_ = true;  // also wakes the backoff wait and the heartbeat loop
  }
  runner_.DropAll("agent stopping");
  execs_.KillAll();
  {
    absl::MutexLock lock(&write_mu_);
    if (stream_ != nullptr) stream_->WritesDone();
    if (context_ != nullptr) context_->TryCancel();
  }
  if (connection_thread_.joinable()) connection_thread_.join();
  if (heartbeat_thread_.joinable()) heartbeat_thread_.join();
  runner_.JoinAll();
  execs_.JoinAll();
}

bool AgentSession::Stopping() {
  absl::MutexLock lock(&state_mu_);
  return stopping_;
}

bool AgentSession::Send(const v1::AgentMessage& message) {
  absl::MutexLock lock(&write_mu_);
  if (stream_ == nullptr) return false;
  // Read before the write: once written, the host may already answer (and
  // a test move its fake clock) before Write returns.
  const int64_t now_ms = clock_->NowUnixMillis();
  if (!stream_->Write(message)) return false;
  last_write_ms_ = now_ms;
  return true;
}

int64_t AgentSession::MillisSinceLastWrite() {
  const int64_t now_ms = clock_->NowUnixMillis();
  absl::MutexLock lock(&write_mu_);
  return now_ms - last_write_ms_;
}

void AgentSession::ConnectionLoop() {
  std::chrono::milliseconds backoff = options_.initial_backoff;
  while (!Stopping()) {
    if (RunOneStream()) backoff = options_.initial_backoff;
    if (retired_) {
      if (options_.on_retired) options_.on_retired(retired_reason_);
      return;
    }
    absl::MutexLock lock(&state_mu_);
    if (stopping_) break;
    spdlog::info("reconnecting to {} in {} ms", options_.connect_address, backoff.count());
    state_mu_.AwaitWithTimeout(absl::Condition(&stopping_), absl::FromChrono(backoff));
    backoff = std::min(backoff * 2, options_.max_backoff);
  }
}

bool AgentSession::RunOneStream() {
  std::shared_ptr<grpc::Channel> channel = MakeChannel(options_);
  std::unique_ptr<v1::AgentGateway::Stub> stub = v1::AgentGateway::NewStub(channel);
  grpc::ClientContext context;  // must outlive the stream
  std::unique_ptr<Stream> stream = stub->Connect(&context);
  {
    absl::MutexLock lock(&write_mu_);
    context_ = &context;
  }
  // Stop() sets stopping_ before it looks at context_, so either it cancels
  // the call or we see stopping_ here.
  if (Stopping()) context.TryCancel();

  bool welcomed = false;
  const int64_t hello_ms = clock_->NowUnixMillis();
  if (stream->Write(MakeHello())) {
    {
      absl::MutexLock lock(&write_mu_);
      stream_ = stream.get();
      last_write_ms_ = hello_ms;
    }
    spdlog::debug("hello sent to {}", options_.connect_address);
    v1::HostMessage message;
    while (stream->Read(&message)) Dispatch(message, &welcomed);
  }
  {
    absl::MutexLock lock(&write_mu_);
    stream_ = nullptr;
    context_ = nullptr;
  }
  runner_.DropAll("stream to fta-hostd ended");
  execs_.KillAll();  // mpirun lost its launcher: nothing of its job may stay
  grpc::Status status = stream->Finish();
  if (Stopping()) {
    spdlog::info("disconnected from {}", options_.connect_address);
  } else if (welcomed) {
    spdlog::warn("stream to {} ended: {} {}", options_.connect_address, static_cast<int>(status.error_code()),
                 status.error_message());
  } else {
    // UNAVAILABLE is the daemon not (yet) listening: routine while it
    // restarts. Anything else (a refused token, ...) needs an operator.
    if (status.error_code() == grpc::StatusCode::NOT_FOUND && options_.on_retired) {
      retired_ = true;
      retired_reason_ = status.error_message();
    }
    auto level = status.error_code() == grpc::StatusCode::UNAVAILABLE ? spdlog::level::info : spdlog::level::warn;
    spdlog::log(level, "cannot connect to {}: {} {}", options_.connect_address, static_cast<int>(status.error_code()),
                status.error_message());
  }
  return welcomed;
}

void AgentSession::Dispatch(const v1::HostMessage& message, bool* welcomed) {
  if (message.body_case() == v1::HostMessage::kWelcome) {
    int interval_ms = message.welcome().heartbeat_interval_ms();
    if (interval_ms > 0) {
      absl::MutexLock lock(&state_mu_);
      heartbeat_interval_ = std::chrono::milliseconds(interval_ms);
      heartbeat_interval_changed_ = true;
    }
    *welcomed = true;
    spdlog::info("connected to {} (heartbeat every {} ms)", options_.connect_address, interval_ms);
    return;
  }
  switch (message.body_case()) {
    case v1::HostMessage::kExecStart:
      execs_.Start(message.exec_start());
      return;
    case v1::HostMessage::kExecKill:
      execs_.Kill(message.exec_kill().exec_id());
      return;
    case v1::HostMessage::kCancel:
      execs_.KillJob(message.cancel().job_id());
      break;
    case v1::HostMessage::kFinish:
      execs_.KillJob(message.finish().job_id());
      break;
    default:
      break;
  }
  runner_.Handle(message);
}

void AgentSession::HeartbeatLoop() {
  auto wake = [this]() ABSL_SHARED_LOCKS_REQUIRED(state_mu_) { return stopping_ || heartbeat_interval_changed_; };
  absl::MutexLock lock(&state_mu_);
  while (!stopping_) {
    // Waits out the silence still needed: the interval since the last
    // message of any kind (a fake clock's test moves time in WaitSlice steps).
    const int64_t interval_ms = heartbeat_interval_.count();
    state_mu_.Unlock();
    const int64_t silent_ms = MillisSinceLastWrite();
    state_mu_.Lock();
    if (silent_ms < interval_ms) {
      const absl::Duration wait = std::min(absl::Milliseconds(interval_ms - silent_ms), clock_->WaitSlice());
      if (state_mu_.AwaitWithTimeout(absl::Condition(&wake), wait)) heartbeat_interval_changed_ = false;
      continue;  // stopping, a new interval, or time to look again
    }
    state_mu_.Unlock();
    v1::AgentMessage message;
    message.mutable_heartbeat()->set_unix_ms(clock_->NowUnixMillis());
    // False between streams: nothing to keep alive then; wait a whole
    // interval before trying again.
    if (!Send(message)) {
      absl::MutexLock write_lock(&write_mu_);
      last_write_ms_ = clock_->NowUnixMillis();
    }
    state_mu_.Lock();
  }
}

v1::AgentMessage AgentSession::MakeHello() const {
  v1::AgentMessage message;
  v1::AgentHello* hello = message.mutable_hello();
  hello->set_fta_id(options_.fta_id);
  hello->set_hostname(options_.hostname.empty() ? LocalHostname() : options_.hostname);
  hello->set_agent_version(kAgentVersion);
  hello->set_pid(getpid());
  hello->set_token(options_.token);
  hello->set_ior_path(options_.ior_path);
  hello->set_ior_version(options_.ior_version);
  return message;
}

}  // namespace fta::agent
