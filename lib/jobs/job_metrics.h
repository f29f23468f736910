// What the job engine tells a metrics exporter (lib/daemon/metrics.h) while
// jobs run. Called from job threads; implementations must be thread-safe
// and must not block.
#pragma once

#include <cstdint>
#include <string>

namespace fta::hostd {

class JobMetricsSink {
 public:
  virtual ~JobMetricsSink() = default;
  // One ThroughputSample from an agent carrying `bytes` moved since its last.
  virtual void OnSample(int64_t bytes) = 0;
  // A progress event of a running job: its current rate, and the
  // utilisation of the IB ports behind its VFs (< 0 when not metered).
  virtual void OnProgress(const std::string& job_id, double mib_per_second, double link_utilisation_pct) = 0;
  // The job left the running set (its rate no longer counts).
  virtual void OnJobEnded(const std::string& job_id) = 0;
};

}  // namespace fta::hostd
