// Periodic runs its tick again and again on its own thread and stops when
// destroyed, even with a long interval ahead.
#include "lib/core/periodic.h"

#include <condition_variable>
#include <mutex>

#include <gtest/gtest.h>

namespace fta::core {
namespace {

TEST(PeriodicTest, TicksRepeatedlyUntilDestroyed) {
  std::mutex mu;
  std::condition_variable ticked;
  int ticks = 0;
  {
    Periodic periodic("test", absl::Milliseconds(1), [&] {
      std::lock_guard<std::mutex> lock(mu);
      ++ticks;
      ticked.notify_all();
    });
    EXPECT_EQ(periodic.name(), "test");
    std::unique_lock<std::mutex> lock(mu);
    // A tick that ran once and never again would hang here.
    ticked.wait(lock, [&] { return ticks >= 3; });
  }
}

TEST(PeriodicTest, DestructionDoesNotWaitForTheNextInterval) {
  int ticks = 0;
  { Periodic periodic("idle", absl::Hours(24), [&] { ++ticks; }); }
  // Had the destructor waited out the interval, this test would hang.
  EXPECT_EQ(ticks, 0);
}

}  // namespace
}  // namespace fta::core
