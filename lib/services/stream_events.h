// StreamEvents: the server side of a streaming RPC that follows one
// subscriber's EventQueue (RunIor/WatchJob, StartSweep/WatchSweep/...).
#pragma once

#include <optional>

#include <grpcpp/grpcpp.h>

#include "absl/time/time.h"
#include "lib/core/event_queue.h"

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

}  // namespace fta::hostd
