// FakeJobs: a JobLauncher whose jobs finish at once (COMPLETED, write and
// read measured at 100 MiB/s per FTA) or, when held, only when cancelled.
// It records every request, so tests see what a sweep ran and in which order.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "lib/jobs/job_launcher.h"

namespace fta::testing {

class FakeJobs final : public hostd::JobLauncher {
 public:
  explicit FakeJobs(const Clock* clock) : clock_(clock) {}

  // Jobs started from now on run until cancelled.
  void Hold() {
    std::lock_guard<std::mutex> lock(mu_);
    hold_ = true;
  }
  std::vector<fta::v1::RunIorRequest> requests() {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }

  absl::StatusOr<hostd::StartedJob> Start(const fta::v1::RunIorRequest& request) override {
    hostd::StartedJob started;
    started.events = std::make_shared<hostd::JobEventQueue>(clock_);
    {
      std::lock_guard<std::mutex> lock(mu_);
      requests_.push_back(request);
      started.job.set_id(absl::StrCat("job-", requests_.size()));
      started.job.set_state(fta::v1::JOB_STATE_RUNNING);
      started.job.set_engine(fta::v1::ENGINE_BUILTIN);
      if (hold_) {
        held_[started.job.id()] = {started.job, started.events};
        return started;
      }
    }
    fta::v1::Job finished = started.job;
    finished.set_state(fta::v1::JOB_STATE_COMPLETED);
    for (fta::v1::Phase phase : {fta::v1::PHASE_WRITE, fta::v1::PHASE_READ}) {
      fta::v1::PhaseAggregate* aggregate = finished.add_aggregates();
      aggregate->set_phase(phase);
      aggregate->set_bandwidth_mib(100.0 * request.on_size());
      aggregate->set_bytes(1 << 20);
      aggregate->set_total_seconds(1);
    }
    Finish(started.events.get(), finished);
    return started;
  }

  absl::StatusOr<fta::v1::Job> Cancel(const std::string& job_id) override {
    hostd::StartedJob held;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = held_.find(job_id);
      if (it == held_.end()) return absl::FailedPreconditionError(absl::StrCat(job_id, " is not running"));
      held = it->second;
      held_.erase(it);
    }
    held.job.set_state(fta::v1::JOB_STATE_CANCELLED);
    held.job.set_error("cancelled by operator");
    Finish(held.events.get(), held.job);
    return held.job;
  }

 private:
  static void Finish(hostd::JobEventQueue* events, const fta::v1::Job& job) {
    fta::v1::JobEvent event;
    *event.mutable_finished() = job;
    events->Push(event);
    events->Close();
  }

  const Clock* clock_;
  std::mutex mu_;
  bool hold_ = false;
  std::vector<fta::v1::RunIorRequest> requests_;
  std::map<std::string, hostd::StartedJob> held_;
};

}  // namespace fta::testing
