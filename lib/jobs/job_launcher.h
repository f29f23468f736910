// JobLauncher: starting and cancelling IOR jobs, as the sweep engine uses the
// JobCoordinator (unit tests of sweeps fake it).
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "fta/v1/job.pb.h"
#include "lib/core/event_queue.h"

namespace fta::hostd {

// One subscriber's queue of job events. Closed after the finished event.
using JobEventQueue = core::EventQueue<fta::v1::JobEvent>;

struct StartedJob {
  fta::v1::Job job;
  std::shared_ptr<JobEventQueue> events;  // holds the `started` event
};

class JobLauncher {
 public:
  virtual ~JobLauncher() = default;
  // Validates the request (errors name the field), resolves the targets and
  // starts the job.
  virtual absl::StatusOr<StartedJob> Start(const fta::v1::RunIorRequest& request) = 0;
  // Stops a running job (agents cancelled) and returns it as stored.
  virtual absl::StatusOr<fta::v1::Job> Cancel(const std::string& job_id) = 0;
};

}  // namespace fta::hostd
