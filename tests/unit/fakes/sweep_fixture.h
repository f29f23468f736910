// A SweepRunner over fakes (FakeFleet, FakeJobs, one FakeClock) and a real
// SQLite store in a temp directory.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "lib/store/store.h"
#include "lib/sweeps/sweep_runner.h"
#include "tests/unit/fakes/fake_jobs.h"
#include "tests/unit/fakes/finished_event.h"
#include "tests/unit/fakes/fleet_store_fixture.h"

namespace fta::testing {

class SweepFixture : public FleetStoreFixture {
 protected:
  SweepFixture() : FleetStoreFixture("sweep_test") {}

  void SetUp() override {
    OpenStore();
    options_.backend = "process";
  }
  void TearDown() override {
    runner_.reset();
    store_.reset();
  }

  hostd::SweepRunner& runner() {
    if (!runner_) runner_ = std::make_unique<hostd::SweepRunner>(options_, store_.get(), &fleet_, &jobs_, &clock_);
    return *runner_;
  }

  // -t 4k -b 8k over the given FTA counts.
  fta::v1::SweepSpec Spec(std::vector<int> counts, bool native = false) {
    fta::v1::SweepSpec spec;
    for (int count : counts) spec.add_fta_counts(count);
    spec.add_transfer_sizes("4k");
    spec.set_block_size("8k");
    spec.set_directory(dir_);
    spec.set_native(native);
    return spec;
  }

  static fta::v1::Sweep Finished(hostd::SweepEventQueue* events) { return FinishedOf(events); }

  // Events until a step's job runs; that job's id.
  static std::string RunningJob(hostd::SweepEventQueue* events) {
    while (std::optional<fta::v1::SweepEvent> event = events->PopFor(absl::Hours(1))) {
      if (event->has_progress() && !event->progress().job_id().empty()) return event->progress().job_id();
    }
    ADD_FAILURE() << "no job started";
    return "";
  }

  FakeJobs jobs_{&clock_};
  hostd::SweepRunner::Options options_;
  std::unique_ptr<hostd::SweepRunner> runner_;
};

}  // namespace fta::testing
