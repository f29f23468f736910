// EventQueue: one subscriber's queue of events (a job's, a sweep's, a job's
// inbox of agent messages).
//
// The producer pushes and finally closes; the subscriber pops with a
// deadline on the injected clock until the queue is closed and drained.
// Pushes after Close() are dropped, so a late producer cannot grow a queue
// nobody reads any more; Close() also wakes a waiting Pop (a cancel).
// Back-pressure: PushBounded drops what can be dropped (live progress, a
// batch of samples) instead of growing a queue its reader is behind on.
// A reader that does not block (a gRPC reactor) takes events with TryPop
// and is told of new ones by a waker (SetWaker).
//
//   auto events = std::make_shared<EventQueue<fta::v1::JobEvent>>(clock);
//   events->Push(started);  ...  events->Close();
//   while (auto event = events->PopFor(absl::Seconds(1))) { ... }
#pragma once

#include <algorithm>
#include <cstdint>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/time/time.h"
#include "lib/core/clock.h"

namespace fta::core {

template <typename Event>
class EventQueue {
 public:
  // `clock` (not owned) must outlive the queue.
  explicit EventQueue(const Clock* clock) : clock_(clock) {}

  // Called after every push and at Close, outside the queue's lock.
  using Waker = std::shared_ptr<const std::function<void()>>;

  void Push(Event event) { PushBounded(std::move(event), SIZE_MAX); }

  // Pushes unless `max_backlog` events are waiting already (or the queue is
  // closed); false: dropped.
  bool PushBounded(Event event, size_t max_backlog) {
    Waker waker;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (closed_ || events_.size() >= max_backlog) return false;
      events_.push_back(std::move(event));
      waker = waker_;
    }
    cv_.notify_all();
    if (waker) (*waker)();
    return true;
  }

  void Close() {
    Waker waker;
    {
      std::lock_guard<std::mutex> lock(mu_);
      closed_ = true;
      waker = waker_;
    }
    cv_.notify_all();
    if (waker) (*waker)();
  }

  // The waker may still run once after it was replaced (a push in flight):
  // what it calls must outlive that (see services/stream_events.h).
  void SetWaker(Waker waker) {
    std::lock_guard<std::mutex> lock(mu_);
    waker_ = std::move(waker);
  }

  // The next event if one is waiting; never blocks.
  std::optional<Event> TryPop() {
    std::lock_guard<std::mutex> lock(mu_);
    if (events_.empty()) return std::nullopt;
    Event event = std::move(events_.front());
    events_.pop_front();
    return event;
  }

  // Next event; nullopt when `deadline` (on the clock) passed or the queue
  // is closed and drained.
  std::optional<Event> Pop(absl::Time deadline) {
    std::unique_lock<std::mutex> lock(mu_);
    while (events_.empty() && !closed_) {
      absl::Duration left = deadline - clock_->Now();
      if (left <= absl::ZeroDuration()) return std::nullopt;
      left = std::min(left, clock_->WaitSlice());
      if (left == absl::InfiniteDuration()) {
        cv_.wait(lock);
      } else {
        cv_.wait_for(lock, absl::ToChronoNanoseconds(left));
      }
    }
    if (events_.empty()) return std::nullopt;
    Event event = std::move(events_.front());
    events_.pop_front();
    return event;
  }
  std::optional<Event> PopFor(absl::Duration timeout) { return Pop(clock_->Now() + timeout); }

  bool closed_and_empty() {
    std::lock_guard<std::mutex> lock(mu_);
    return closed_ && events_.empty();
  }

 private:
  const Clock* clock_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Event> events_ ABSL_GUARDED_BY(mu_);
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  Waker waker_ ABSL_GUARDED_BY(mu_);
};

}  // namespace fta::core
