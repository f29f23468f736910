// The bodies the services share: EventStreamReactor, the server side of a
// streaming RPC that follows one subscriber's EventQueue (RunIor/WatchJob,
// StartSweep/WatchSweep/...), and the replies of the unary calls.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lib/core/event_queue.h"
#include "lib/core/rpc_status.h"
#include "lib/services/request_limits.h"

namespace fta::hostd {

// The server side of a streaming RPC that follows one subscriber's queue,
// on gRPC's callback API: no thread is held while the stream waits, and a
// new event is written as soon as it is pushed (the queue's waker), not at
// the next poll. Writes events until the finished one, the queue closes or
// the caller goes away (the job or sweep keeps running then); one write in
// flight at a time, as gRPC requires. Event needs has_finished().
template <typename Event>
class EventStreamReactor final : public grpc::ServerWriteReactor<Event> {
 public:
  using Queue = core::EventQueue<Event>;

  explicit EventStreamReactor(std::shared_ptr<Queue> events)
      : events_(std::move(events)), link_(std::make_shared<Link>(this)) {
    events_->SetWaker(std::make_shared<const std::function<void()>>([link = link_] { link->Wake(); }));
    Pump();
  }

  void OnWriteDone(bool ok) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      writing_ = false;
      if (!ok || wrote_last_ || cancelled_) {
        FinishLocked();
        return;
      }
    }
    Pump();
  }

  void OnCancel() override {
    std::lock_guard<std::mutex> lock(mu_);
    cancelled_ = true;
    if (!writing_) FinishLocked();
  }

  void OnDone() override {
    events_->SetWaker(nullptr);
    link_->Detach();  // a waker already running finishes before this returns
    delete this;
  }

 private:
  // What the queue's waker holds: outlives the reactor, so a push racing
  // the stream's end reaches no freed reactor.
  class Link {
   public:
    explicit Link(EventStreamReactor* reactor) : reactor_(reactor) {}
    void Wake() {
      std::lock_guard<std::mutex> lock(mu_);
      if (reactor_ != nullptr) reactor_->Pump();
    }
    void Detach() {
      std::lock_guard<std::mutex> lock(mu_);
      reactor_ = nullptr;
    }

   private:
    std::mutex mu_;
    EventStreamReactor* reactor_;
  };

  // Starts the next write when none is in flight and an event waits.
  void Pump() {
    std::lock_guard<std::mutex> lock(mu_);
    if (writing_ || finished_) return;
    std::optional<Event> event = events_->TryPop();
    if (!event) {
      if (events_->closed_and_empty()) FinishLocked();
      return;
    }
    current_ = std::move(*event);
    wrote_last_ = current_.has_finished();
    writing_ = true;
    this->StartWrite(&current_);
  }

  void FinishLocked() {
    if (finished_) return;
    finished_ = true;
    this->Finish(grpc::Status::OK);
  }

  const std::shared_ptr<Queue> events_;
  const std::shared_ptr<Link> link_;
  std::mutex mu_;
  Event current_;  // the write in flight
  bool writing_ = false;
  bool wrote_last_ = false;
  bool cancelled_ = false;
  bool finished_ = false;
};

// A streaming call that ends at once with `status` (bad request, no such job).
template <typename Event>
class FailedStreamReactor final : public grpc::ServerWriteReactor<Event> {
 public:
  explicit FailedStreamReactor(const grpc::Status& status) { this->Finish(status); }
  void OnDone() override { delete this; }
};

// Follows what a start call returned (anything with `events`, a
// shared_ptr<EventQueue<Event>>), or answers its error.
template <typename Event, typename Started>
grpc::ServerWriteReactor<Event>* StreamStarted(const absl::StatusOr<Started>& started) {
  if (!started.ok()) return new FailedStreamReactor<Event>(ToGrpcStatus(started.status()));
  return new EventStreamReactor<Event>(started->events);
}

// Follows a subscription a watch call returned, or answers its error.
template <typename Event>
grpc::ServerWriteReactor<Event>* StreamWatched(
    const absl::StatusOr<std::shared_ptr<core::EventQueue<Event>>>& events) {
  if (!events.ok()) return new FailedStreamReactor<Event>(ToGrpcStatus(events.status()));
  return new EventStreamReactor<Event>(*events);
}

// A streaming call's request checks (FTA_RPC_CHECK_LIMITS, and `id` when
// given must not be empty), then `open` (returning one of the above).
template <typename Event, typename Open>
grpc::ServerWriteReactor<Event>* CheckedStream(const google::protobuf::Message& request, const std::string* id,
                                               Open open) {
  if (absl::Status limits = CheckRequestLimits(request); !limits.ok()) {
    return new FailedStreamReactor<Event>(
        grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, std::string(limits.message())));
  }
  if (id != nullptr && id->empty()) {
    return new FailedStreamReactor<Event>(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "id: required"));
  }
  return open();
}

// A unary call's answer: the value into `response`, or the error.
template <typename T>
grpc::Status Reply(absl::StatusOr<T> result, T* response) {
  if (!result.ok()) return ToGrpcStatus(result.status());
  *response = *std::move(result);
  return grpc::Status::OK;
}

inline grpc::Status Invalid(const std::string& message) {
  return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, message);
}

}  // namespace fta::hostd
