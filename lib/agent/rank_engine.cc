#include "lib/agent/rank_engine.h"

#include <utility>

namespace fta::agent {
namespace {

class PosixRankEngine final : public RankEngine {
 public:
  PosixRankEngine(const ior::IorParams& params, int rank, int total_ranks, int64_t signature,
                  const Clock* clock)
      : engine_(params, rank, total_ranks, signature, clock) {}

  absl::StatusOr<ior::PhaseMeasurement> Write(ior::LiveCounters* counters,
                                              const std::atomic<bool>* cancel) override {
    return engine_.Write(counters, cancel, std::exchange(hooks_, ior::PhaseHooks{}));
  }
  absl::StatusOr<ior::PhaseMeasurement> Read(ior::LiveCounters* counters,
                                             const std::atomic<bool>* cancel) override {
    return engine_.Read(counters, cancel, std::exchange(hooks_, ior::PhaseHooks{}));
  }
  absl::Status Remove() override { return engine_.Remove(); }
  void PreparePhase(const ior::PhaseHooks& hooks) override { hooks_ = hooks; }
  bool AwaitsStartItself() const override { return true; }

 private:
  ior::PosixEngine engine_;
  ior::PhaseHooks hooks_;
};

}  // namespace

EngineFactory MakePosixEngineFactory(const Clock* clock) {
  return [clock](const ior::IorParams& params, int rank, int total_ranks, int64_t signature) {
    return std::make_unique<PosixRankEngine>(params, rank, total_ranks, signature, clock);
  };
}

}  // namespace fta::agent
