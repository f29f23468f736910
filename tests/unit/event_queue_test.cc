// Behaviour of core::EventQueue: order, close/drain, deadlines, and a
// subscriber blocked in Pop woken by another thread's Push or Close.
#include "lib/core/event_queue.h"

#include <string>
#include <thread>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace fta::core {
namespace {

absl::Time Soon() { return absl::Now() + absl::Seconds(30); }

TEST(EventQueueTest, PopsInPushOrder) {
  EventQueue<std::string> queue;
  queue.Push("started");
  queue.Push("progress");
  EXPECT_EQ(queue.Pop(Soon()), "started");
  EXPECT_EQ(queue.Pop(Soon()), "progress");
}

TEST(EventQueueTest, DrainsQueuedEventsAfterCloseThenReportsEnd) {
  EventQueue<int> queue;
  queue.Push(1);
  queue.Close();
  EXPECT_FALSE(queue.closed_and_empty());
  EXPECT_EQ(queue.Pop(Soon()), 1);
  EXPECT_TRUE(queue.closed_and_empty());
  EXPECT_EQ(queue.Pop(Soon()), std::nullopt);
}

TEST(EventQueueTest, DropsPushesAfterClose) {
  EventQueue<int> queue;
  queue.Close();
  queue.Push(7);
  EXPECT_TRUE(queue.closed_and_empty());
  EXPECT_EQ(queue.Pop(Soon()), std::nullopt);
}

TEST(EventQueueTest, PassedDeadlineOnAnOpenEmptyQueueYieldsNothing) {
  EventQueue<int> queue;
  EXPECT_EQ(queue.Pop(absl::Now() - absl::Seconds(1)), std::nullopt);
  EXPECT_FALSE(queue.closed_and_empty());
}

TEST(EventQueueTest, BlockedPopIsWokenByAnotherThreadsPush) {
  EventQueue<int> queue;
  std::thread producer([&] { queue.Push(42); });
  EXPECT_EQ(queue.Pop(Soon()), 42);
  producer.join();
}

TEST(EventQueueTest, BlockedPopIsWokenByAnotherThreadsClose) {
  EventQueue<int> queue;
  std::thread producer([&] { queue.Close(); });
  EXPECT_EQ(queue.Pop(Soon()), std::nullopt);
  EXPECT_TRUE(queue.closed_and_empty());
  producer.join();
}

}  // namespace
}  // namespace fta::core
