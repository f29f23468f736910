// The per-rank I/O engine as the agent sees it. An interface so tests (and a
// future real-`ior` runner) can stand in for ior::PosixEngine; the factory is
// handed to AgentSession by main().
//
//   EngineFactory factory = MakePosixEngineFactory(&clock);
//   std::unique_ptr<RankEngine> engine = factory(params, rank, total_ranks, signature);
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "lib/core/clock.h"
#include "lib/ior/ior_params.h"
#include "lib/ior/posix_engine.h"

namespace fta::agent {

class RankEngine {
 public:
  virtual ~RankEngine() = default;
  // Same contract as ior::PosixEngine: counters are bumped per transfer and
  // read concurrently; a true *cancel stops the phase within one transfer.
  virtual absl::StatusOr<ior::PhaseMeasurement> Write(ior::LiveCounters* counters,
                                                      const std::atomic<bool>* cancel) = 0;
  virtual absl::StatusOr<ior::PhaseMeasurement> Read(ior::LiveCounters* counters,
                                                     const std::atomic<bool>* cancel) = 0;
  virtual absl::Status Remove() = 0;
  // Context for the next Write/Read only: the sync points shared with the
  // other ranks of the job (-g, -D wear-out) and a transfer cap. Engines that
  // have no use for it keep the default.
  virtual void PreparePhase(const ior::PhaseHooks& hooks) { (void)hooks; }
  // True when Write/Read call PhaseHooks::await_start themselves (after
  // their untimed preparation, before the open); otherwise RunPhase waits
  // for the start before calling them.
  virtual bool AwaitsStartItself() const { return false; }
  // Where the last Write/Read's timestamps came from (RankPhaseResult.
  // timestamp_source): the built-in engine reads its clock around its own
  // calls; the real-ior engine measures the process (lib/agent/ior_runner.h).
  virtual std::string timestamp_source() const { return "engine"; }
  // The bandwidth the engine itself reported for its last Write/Read (real
  // ior's own figure), 0 when it reports none.
  virtual double reported_bandwidth_mib() const { return 0; }
};

using EngineFactory = std::function<std::unique_ptr<RankEngine>(
    const ior::IorParams& params, int rank, int total_ranks, int64_t signature)>;

// Engines backed by ior::PosixEngine. `clock` is not owned and must outlive
// every engine made.
EngineFactory MakePosixEngineFactory(const Clock* clock);

}  // namespace fta::agent
