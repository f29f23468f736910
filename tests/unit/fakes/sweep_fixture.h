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
#include "tests/unit/fakes/fake_clock.h"
#include "tests/unit/fakes/temp_dir.h"
#include "tests/unit/fakes/fake_fleet.h"
#include "tests/unit/fakes/finished_event.h"
#include "tests/unit/fakes/fake_jobs.h"

namespace fta::testing {

class SweepFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    OpenStore();
    options_.backend = "process";
  }
  void TearDown() override {
    runner_.reset();
    store_.reset();
  }
  void OpenStore() {
    absl::StatusOr<std::unique_ptr<store::Store>> store = store::Store::Open(dir_ + "/fta-hostd.db", &clock_);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
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

  TempDir temp_{"sweep_test"};
  std::string dir_ = temp_.path();
  FakeClock clock_;
  FakeFleet fleet_;
  FakeJobs jobs_{&clock_};
  std::unique_ptr<store::Store> store_;
  hostd::SweepRunner::Options options_;
  std::unique_ptr<hostd::SweepRunner> runner_;
};

}  // namespace fta::testing
