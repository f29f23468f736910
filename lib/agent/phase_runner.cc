#include "lib/agent/phase_runner.h"

#include <algorithm>
#include <optional>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace fta::agent {
namespace {

// Longest sleep of the quiet time: how soon a failed rank is noticed.
constexpr int64_t kQuietSlice = 50'000'000;

absl::StatusOr<ior::PhaseMeasurement> RunOneRank(RankEngine* engine, fta::v1::Phase phase,
                                                 ior::LiveCounters* counters, const std::atomic<bool>* abort,
                                                 const Clock& clock,
                                                 const std::function<absl::Status()>& await_start) {
  if (await_start && (phase == fta::v1::PHASE_REMOVE || !engine->AwaitsStartItself())) {
    if (absl::Status started = await_start(); !started.ok()) return started;
  }
  switch (phase) {
    case fta::v1::PHASE_WRITE:
      return engine->Write(counters, abort);
    case fta::v1::PHASE_READ:
      return engine->Read(counters, abort);
    case fta::v1::PHASE_REMOVE: {
      ior::PhaseMeasurement m;
      m.open_start_ns = m.open_end_ns = m.xfer_start_ns = clock.NowUnixNanos();
      absl::Status removed = engine->Remove();
      m.xfer_end_ns = m.close_start_ns = m.close_end_ns = clock.NowUnixNanos();
      if (!removed.ok()) return removed;
      return m;
    }
    default:
      return absl::InvalidArgumentError(absl::StrCat("cannot run phase ", fta::v1::Phase_Name(phase)));
  }
}

}  // namespace

bool IsRunnablePhase(fta::v1::Phase phase) {
  return phase == fta::v1::PHASE_WRITE || phase == fta::v1::PHASE_READ || phase == fta::v1::PHASE_REMOVE;
}

std::vector<absl::StatusOr<ior::PhaseMeasurement>> RunPhase(
    const std::vector<RankEngine*>& engines, fta::v1::Phase phase, std::atomic<bool>* abort,
    std::chrono::milliseconds sample_interval, const Clock& clock,
    const std::function<void(const SampleDelta&)>& on_sample,
    const std::function<absl::Status()>& await_start, int64_t quiet_until_ns) {
  const size_t n = engines.size();
  std::vector<ior::LiveCounters> counters(n);
  std::vector<std::optional<absl::StatusOr<ior::PhaseMeasurement>>> results(n);
  absl::Mutex mu;
  size_t running = n;  // guarded by mu

  std::vector<std::thread> threads;
  threads.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      absl::StatusOr<ior::PhaseMeasurement> result =
          RunOneRank(engines[i], phase, &counters[i], abort, clock, await_start);
      if (!result.ok()) abort->store(true);
      absl::MutexLock lock(&mu);
      results[i] = std::move(result);
      --running;
    });
  }

  uint64_t reported_bytes = 0;
  uint64_t reported_ops = 0;
  int64_t interval_start = clock.NowUnixNanos();
  auto emit = [&](bool final_sample) {
    uint64_t bytes = 0;
    uint64_t ops = 0;
    for (const ior::LiveCounters& c : counters) {
      bytes += c.bytes.load(std::memory_order_relaxed);
      ops += c.ops.load(std::memory_order_relaxed);
    }
    SampleDelta delta{interval_start, clock.NowUnixNanos(), bytes - reported_bytes, ops - reported_ops};
    if (final_sample && delta.bytes == 0 && delta.ops == 0) return;
    on_sample(delta);
    reported_bytes = bytes;
    reported_ops = ops;
    interval_start = delta.end_ns;
  };

  // Not woken by the ranks (nor by ticks) before the quiet time is over; a
  // failed rank sets *abort, which ends the sleep within a slice.
  for (int64_t now = clock.NowUnixNanos(); now < quiet_until_ns && !abort->load(); now = clock.NowUnixNanos()) {
    clock.SleepUntil(std::min(quiet_until_ns, now + kQuietSlice));
  }
  // Ticks are aimed at start + k*interval on the wall clock so a slow
  // on_sample does not make the intervals drift.
  const int64_t interval_ns = std::chrono::nanoseconds(sample_interval).count();
  int64_t next_tick = std::max(interval_start + interval_ns, quiet_until_ns);
  auto all_done = [&running]() { return running == 0; };
  mu.Lock();
  while (running > 0) {
    int64_t wait_ns = next_tick - clock.NowUnixNanos();
    if (wait_ns > 0 && mu.AwaitWithTimeout(absl::Condition(&all_done), absl::Nanoseconds(wait_ns))) break;
    mu.Unlock();
    emit(false);
    next_tick += interval_ns;
    // After a long stall (suspended VM, clock step) skip missed ticks instead
    // of firing a burst of empty samples.
    int64_t now = clock.NowUnixNanos();
    if (next_tick <= now) next_tick = now + interval_ns;
    mu.Lock();
  }
  mu.Unlock();
  for (std::thread& t : threads) t.join();
  emit(true);

  std::vector<absl::StatusOr<ior::PhaseMeasurement>> out;
  out.reserve(n);
  for (auto& r : results) out.push_back(std::move(*r));
  return out;
}

}  // namespace fta::agent
