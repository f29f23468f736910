#include "lib/daemon/liveness.h"

#include <chrono>
#include <condition_variable>
#include <mutex>

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "lib/core/status_macros.h"

namespace fta::hostd {
namespace {

// A channel of its own (no shared subchannel): the check must make a new
// connection, not reuse one that was accepted before the listener broke.
std::shared_ptr<grpc::Channel> FreshChannel(const std::string& target,
                                            std::shared_ptr<grpc::ChannelCredentials> credentials,
                                            const std::string& tls_name = "") {
  grpc::ChannelArguments arguments;
  arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  if (!tls_name.empty()) arguments.SetSslTargetNameOverride(tls_name);
  return grpc::CreateCustomChannel(target, credentials ? credentials : grpc::InsecureChannelCredentials(),
                                   arguments);
}

std::chrono::system_clock::time_point DeadlineAfter(absl::Duration timeout) {
  return std::chrono::system_clock::now() + absl::ToChronoMilliseconds(timeout);
}

absl::Status CheckHealth(const std::string& target, absl::Duration timeout) {
  std::shared_ptr<grpc::Channel> channel = FreshChannel(target, nullptr);
  grpc::GenericStub stub(channel);
  // grpc.health.v1.HealthCheckRequest{service: ""} is the empty message.
  grpc::ByteBuffer request;
  grpc::ByteBuffer response;
  grpc::ClientContext context;
  context.set_deadline(DeadlineAfter(timeout));
  grpc::Status status;
  std::mutex mu;
  std::condition_variable done_cv;
  bool done = false;
  grpc::Slice empty;
  request = grpc::ByteBuffer(&empty, 1);
  stub.UnaryCall(&context, "/grpc.health.v1.Health/Check", grpc::StubOptions(), &request, &response,
                 [&](grpc::Status s) {
                   std::lock_guard<std::mutex> lock(mu);
                   status = std::move(s);
                   done = true;
                   done_cv.notify_all();
                 });
  std::unique_lock<std::mutex> lock(mu);
  done_cv.wait(lock, [&] { return done; });
  if (!status.ok()) {
    return absl::UnavailableError(
        absl::StrCat("control listener ", target, " did not answer a health check: ", status.error_message()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status Liveness::Check(absl::Duration timeout) {
  if (!probe_.control_target.empty()) FTA_RETURN_IF_ERROR(CheckHealth(probe_.control_target, timeout));
  if (!probe_.agent_target.empty()) {
    std::shared_ptr<grpc::Channel> channel =
        FreshChannel(probe_.agent_target, probe_.agent_credentials ? probe_.agent_credentials() : nullptr,
                     probe_.agent_tls_name);
    if (!channel->WaitForConnected(DeadlineAfter(timeout))) {
      return absl::UnavailableError(
          absl::StrCat("agent listener ", probe_.agent_target, " did not accept a connection"));
    }
  }
  if (probe_.loop_ticks) {
    const uint64_t ticks = probe_.loop_ticks();
    const absl::Time now = clock_->Now();
    if (ticks != last_ticks_ || last_tick_change_ == absl::InfinitePast()) {
      last_ticks_ = ticks;
      last_tick_change_ = now;
    } else if (now - last_tick_change_ > probe_.loop_stall_limit) {
      return absl::UnavailableError(absl::StrCat("the agent registry's heartbeat loop is stalled at tick ", ticks,
                                                 " for ", absl::FormatDuration(now - last_tick_change_)));
    }
  }
  if (probe_.store_ping) FTA_RETURN_IF_ERROR(probe_.store_ping());
  return absl::OkStatus();
}

}  // namespace fta::hostd
