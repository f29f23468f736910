// The bodies the services share: StreamEvents, the server side of a
// streaming RPC that follows one subscriber's EventQueue (RunIor/WatchJob,
// StartSweep/WatchSweep/...), and the replies of the unary calls.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "lib/core/event_queue.h"
#include "lib/core/rpc_status.h"

namespace fta::hostd {

// Writes events until the finished one, the queue closes or the caller goes
// away (the job or sweep keeps running then). Event needs has_finished().
template <typename Event>
grpc::Status StreamEvents(grpc::ServerContext* context, core::EventQueue<Event>* events,
                          grpc::ServerWriter<Event>* writer) {
  while (!context->IsCancelled()) {
    // The short wait only bounds how late a vanished caller is noticed.
    std::optional<Event> event = events->PopFor(absl::Milliseconds(500));
    if (!event) {
      if (events->closed_and_empty()) break;
      continue;
    }
    if (!writer->Write(*event)) break;
    if (event->has_finished()) break;
  }
  return grpc::Status::OK;
}

// Follows what a start call returned (anything with `events`, a
// shared_ptr<EventQueue<Event>>), or answers its error.
template <typename Started, typename Event>
grpc::Status StreamStarted(grpc::ServerContext* context, const absl::StatusOr<Started>& started,
                           grpc::ServerWriter<Event>* writer) {
  if (!started.ok()) return ToGrpcStatus(started.status());
  return StreamEvents(context, started->events.get(), writer);
}

// Follows a subscription a watch call returned, or answers its error.
template <typename Event>
grpc::Status StreamWatched(grpc::ServerContext* context,
                           const absl::StatusOr<std::shared_ptr<core::EventQueue<Event>>>& events,
                           grpc::ServerWriter<Event>* writer) {
  if (!events.ok()) return ToGrpcStatus(events.status());
  return StreamEvents(context, events->get(), writer);
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
