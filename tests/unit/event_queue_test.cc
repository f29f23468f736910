// Behaviour of core::EventQueue: order, close/drain, deadlines on its clock,
// a subscriber blocked in Pop woken by another thread's Push or Close, the
// bounded push and the waker of non-blocking readers.
#include "lib/core/event_queue.h"

#include <vector>

#include "lib/core/broadcast.h"

#include <string>
#include <thread>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "tests/unit/fakes/fake_clock.h"

namespace fta::core {
namespace {

// Real time for the wake-up tests; deadlines on a fake clock below.
RealClock real_clock;
absl::Time Soon() { return real_clock.Now() + absl::Seconds(30); }

TEST(EventQueueTest, PopsInPushOrder) {
  EventQueue<std::string> queue(&real_clock);
  queue.Push("started");
  queue.Push("progress");
  EXPECT_EQ(queue.Pop(Soon()), "started");
  EXPECT_EQ(queue.Pop(Soon()), "progress");
}

TEST(EventQueueTest, DrainsQueuedEventsAfterCloseThenReportsEnd) {
  EventQueue<int> queue(&real_clock);
  queue.Push(1);
  queue.Close();
  EXPECT_FALSE(queue.closed_and_empty());
  EXPECT_EQ(queue.Pop(Soon()), 1);
  EXPECT_TRUE(queue.closed_and_empty());
  EXPECT_EQ(queue.Pop(Soon()), std::nullopt);
}

TEST(EventQueueTest, DropsPushesAfterClose) {
  EventQueue<int> queue(&real_clock);
  queue.Close();
  queue.Push(7);
  EXPECT_TRUE(queue.closed_and_empty());
  EXPECT_EQ(queue.Pop(Soon()), std::nullopt);
}

TEST(EventQueueTest, PassedDeadlineOnAnOpenEmptyQueueYieldsNothing) {
  EventQueue<int> queue(&real_clock);
  EXPECT_EQ(queue.Pop(real_clock.Now() - absl::Seconds(1)), std::nullopt);
  EXPECT_FALSE(queue.closed_and_empty());
}

TEST(EventQueueTest, BlockedPopIsWokenByAnotherThreadsPush) {
  EventQueue<int> queue(&real_clock);
  std::thread producer([&] { queue.Push(42); });
  EXPECT_EQ(queue.Pop(Soon()), 42);
  producer.join();
}

TEST(EventQueueTest, BlockedPopIsWokenByAnotherThreadsClose) {
  EventQueue<int> queue(&real_clock);
  std::thread producer([&] { queue.Close(); });
  EXPECT_EQ(queue.Pop(Soon()), std::nullopt);
  EXPECT_TRUE(queue.closed_and_empty());
  producer.join();
}

TEST(EventQueueTest, ADeadlineOnAFakeClockPassesWhenTheClockIsAdvanced) {
  testing::FakeClock clock;
  EventQueue<int> queue(&clock);
  const absl::Time deadline = clock.Now() + absl::Minutes(1);
  std::thread advancer([&] { clock.Advance(absl::Minutes(2)); });
  EXPECT_EQ(queue.Pop(deadline), std::nullopt);
  EXPECT_FALSE(queue.closed_and_empty());
  advancer.join();
}

TEST(BroadcastTest, EverySubscriberGetsThePublishedEventsAndTheLastOneClosesThem) {
  Broadcast<int> broadcast(&real_clock);
  auto first = broadcast.Subscribe(0);
  broadcast.Publish(1);
  auto second = broadcast.Subscribe(10);
  broadcast.Publish(2);
  broadcast.Finish(99);
  auto drain = [](EventQueue<int>* queue) {
    std::vector<int> got;
    while (std::optional<int> event = queue->Pop(Soon())) got.push_back(*event);
    return got;
  };
  EXPECT_EQ(drain(first.get()), (std::vector<int>{0, 1, 2, 99}));
  EXPECT_EQ(drain(second.get()), (std::vector<int>{10, 2, 99}));
}

TEST(BroadcastTest, ASubscriberAfterTheEndGetsTheLastEventAndAClosedQueue) {
  Broadcast<int> broadcast(&real_clock);
  broadcast.Finish(99);
  auto late = broadcast.Subscribe(0);
  EXPECT_EQ(late->Pop(Soon()), 0);
  EXPECT_EQ(late->Pop(Soon()), 99);
  EXPECT_TRUE(late->closed_and_empty());
}

// Back-pressure: a reader that is behind loses what may be dropped, the
// queue does not grow past its bound, and Push (what must arrive) still does.
TEST(EventQueueTest, PushBoundedDropsOnceTheBacklogIsFull) {
  EventQueue<int> queue(&real_clock);
  EXPECT_TRUE(queue.PushBounded(1, 2));
  EXPECT_TRUE(queue.PushBounded(2, 2));
  EXPECT_FALSE(queue.PushBounded(3, 2));
  queue.Push(4);
  EXPECT_EQ(queue.TryPop(), 1);
  EXPECT_TRUE(queue.PushBounded(5, 4));
  EXPECT_EQ(queue.TryPop(), 2);
  EXPECT_EQ(queue.TryPop(), 4);
  EXPECT_EQ(queue.TryPop(), 5);
  EXPECT_EQ(queue.TryPop(), std::nullopt);
}

TEST(EventQueueTest, PushBoundedAfterCloseIsDropped) {
  EventQueue<int> queue(&real_clock);
  queue.Close();
  EXPECT_FALSE(queue.PushBounded(1, 10));
  EXPECT_TRUE(queue.closed_and_empty());
}

TEST(EventQueueTest, TheWakerHearsEveryPushAndTheCloseUntilReplaced) {
  EventQueue<int> queue(&real_clock);
  int woken = 0;
  queue.SetWaker(std::make_shared<const std::function<void()>>([&woken] { ++woken; }));
  queue.Push(1);
  queue.PushBounded(2, 10);
  EXPECT_FALSE(queue.PushBounded(3, 2));  // dropped: nothing to wake for
  queue.Close();
  EXPECT_EQ(woken, 3);
  queue.SetWaker(nullptr);
  queue.Close();
  EXPECT_EQ(woken, 3);
}

TEST(BroadcastTest, LiveEventsSkipABackloggedSubscriberButTheEndReachesIt) {
  Broadcast<int> broadcast(&real_clock);
  auto slow = broadcast.Subscribe(0);
  auto fast = broadcast.Subscribe(0);
  EXPECT_EQ(fast->TryPop(), 0);
  broadcast.PublishLive(1, 2);  // slow: 0, 1
  EXPECT_EQ(fast->TryPop(), 1);
  broadcast.PublishLive(2, 2);  // slow is full: skipped
  EXPECT_EQ(fast->TryPop(), 2);
  broadcast.Finish(99);
  auto drain = [](EventQueue<int>* queue) {
    std::vector<int> got;
    while (std::optional<int> event = queue->Pop(Soon())) got.push_back(*event);
    return got;
  };
  EXPECT_EQ(drain(slow.get()), (std::vector<int>{0, 1, 99}));
  EXPECT_EQ(drain(fast.get()), (std::vector<int>{99}));
}

}  // namespace
}  // namespace fta::core
