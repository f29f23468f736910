// Broadcast: the subscribers of one running thing (a job, a sweep). Each
// subscriber has its own EventQueue; a publish goes to all of them, and the
// finishing event is the last any of them gets. Thread-safe.
//
//   Broadcast<JobEvent> events(clock);
//   auto queue = events.Subscribe(started);   // Start, Watch
//   events.Publish(progress);               // or PublishLive: droppable
//   events.Finish(finished);                  // closes every queue
//   auto replay = Broadcast<JobEvent>::Replay(clock, finished);  // a finished job's Watch
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "lib/core/clock.h"
#include "lib/core/event_queue.h"

namespace fta::core {

template <typename Event>
class Broadcast {
 public:
  using Queue = EventQueue<Event>;

  // `clock` (not owned) times the subscribers' queues.
  explicit Broadcast(const Clock* clock) : clock_(clock) {}

  // A new subscriber's queue, already holding `first`.
  // After Finish it also holds the last event and is closed, so a late
  // subscriber never waits for events that will not come.
  std::shared_ptr<Queue> Subscribe(const Event& first) {
    auto queue = std::make_shared<Queue>(clock_);
    queue->Push(first);
    std::lock_guard<std::mutex> lock(mu_);
    if (last_) {
      queue->Push(*last_);
      queue->Close();
    } else {
      subscribers_.push_back(queue);
    }
    return queue;
  }

  void Publish(const Event& event) {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& subscriber : subscribers_) subscriber->Push(event);
  }

  // Live progress: a subscriber that has `max_backlog` events waiting (a
  // slow watcher) misses this one rather than its queue growing; the
  // events that matter (phase ends, the finish) go through Publish/Finish.
  void PublishLive(const Event& event, size_t max_backlog) {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& subscriber : subscribers_) subscriber->PushBounded(event, max_backlog);
  }

  // Publishes `last` and closes every queue.
  void Finish(const Event& last) {
    std::lock_guard<std::mutex> lock(mu_);
    last_ = last;
    for (auto& subscriber : subscribers_) {
      subscriber->Push(last);
      subscriber->Close();
    }
    subscribers_.clear();
  }

  // A closed queue holding only `finished`: what a watcher of something
  // already over gets.
  static std::shared_ptr<Queue> Replay(const Clock* clock, const Event& finished) {
    auto queue = std::make_shared<Queue>(clock);
    queue->Push(finished);
    queue->Close();
    return queue;
  }

 private:
  const Clock* clock_;
  std::mutex mu_;
  std::vector<std::shared_ptr<Queue>> subscribers_ ABSL_GUARDED_BY(mu_);
  std::optional<Event> last_ ABSL_GUARDED_BY(mu_);
};

}  // namespace fta::core
