// What a job's or a sweep's event stream ends with: pops until the
// `finished` event and returns its payload (the Job, the Sweep).
#pragma once

#include <optional>
#include <type_traits>
#include <utility>

#include <gtest/gtest.h>

#include "absl/time/time.h"
#include "lib/core/event_queue.h"

namespace fta::testing {

template <typename Event>
auto FinishedOf(core::EventQueue<Event>* events) -> std::decay_t<decltype(std::declval<Event>().finished())> {
  while (std::optional<Event> event = events->PopFor(absl::Hours(1))) {
    if (event->has_finished()) return event->finished();
  }
  ADD_FAILURE() << "the event queue closed without a finished event";
  return {};
}

}  // namespace fta::testing
