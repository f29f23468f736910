// Sweeps in the store: round trip of sweeps, runs with their snapshot and
// points; replacing a step's run; interrupting running sweeps at start.
#include <filesystem>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "lib/store/store.h"

namespace fta::store {
namespace {

class StoreSweepsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/store-sweeps-" + std::to_string(getpid()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto store = Store::Open(dir_ + "/db.sqlite");
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  fta::v1::Sweep NewSweep() {
    auto id = store_->NextSweepId();
    EXPECT_TRUE(id.ok());
    fta::v1::Sweep sweep;
    sweep.set_id(*id);
    sweep.set_state(fta::v1::SWEEP_STATE_RUNNING);
    sweep.mutable_spec()->add_fta_counts(1);
    sweep.mutable_spec()->add_fta_counts(2);
    sweep.mutable_spec()->add_transfer_sizes("64k");
    sweep.mutable_spec()->set_block_size("8m");
    sweep.mutable_spec()->set_native(true);
    sweep.set_created_unix_ms(1000);
    sweep.set_steps_total(3);
    return sweep;
  }

  static fta::v1::SweepRun MakeRun(int step, fta::v1::SweepRunState state) {
    fta::v1::SweepRun run;
    run.set_step(step);
    run.set_transfer_size_bytes(65536);
    run.set_block_size_bytes(8 << 20);
    run.set_fta_count(2);
    run.set_target(fta::v1::SWEEP_TARGET_FTAS);
    run.set_ranks(2);
    run.set_job_id("job-9");
    run.set_state(state);
    run.set_note("block rounded");
    run.set_write_mib(123.5);
    run.set_read_mib(456.25);
    fta::v1::RunSnapshot* s = run.mutable_snapshot();
    s->set_backend(fta::v1::BACKEND_PROCESS);
    s->set_cpu_model("Test CPU");
    s->set_cpu_count(12);
    s->set_memory_bytes(int64_t{48} << 30);
    s->add_vfs("0000:03:00.1");
    s->add_vfs("0000:03:00.2");
    s->set_ib_link_rate("mlx4_0/1: 56 Gb/sec (4X FDR)");
    s->set_engine(fta::v1::ENGINE_BUILTIN);
    s->set_engine_version("fta-agent 0.1.0");
    s->set_kernel("Linux 6.1");
    s->set_config_hash("0123456789abcdef");
    s->set_hostname("node7");
    return run;
  }

  static fta::v1::SweepPoint Point(int step, fta::v1::Phase phase, double mib) {
    fta::v1::SweepPoint point;
    point.set_step(step);
    point.set_transfer_size_bytes(65536);
    point.set_fta_count(2);
    point.set_target(fta::v1::SWEEP_TARGET_FTAS);
    point.set_phase(phase);
    point.set_bandwidth_mib(mib);
    point.set_job_id("job-9");
    point.set_bytes(16 << 20);
    point.set_seconds(0.5);
    point.set_link_utilisation_pct(-1);
    return point;
  }

  std::string dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(StoreSweepsTest, RunsSnapshotsAndPointsRoundTrip) {
  fta::v1::Sweep sweep = NewSweep();
  EXPECT_EQ(sweep.id(), "sweep-1");
  ASSERT_TRUE(store_->PutSweep(sweep).ok());
  // Read before write: points come back in run order regardless.
  ASSERT_TRUE(store_->PutSweepRun(sweep.id(), MakeRun(1, fta::v1::SWEEP_RUN_STATE_COMPLETED),
                                  {Point(1, fta::v1::PHASE_READ, 456.25), [] {
                                     fta::v1::SweepPoint metered = Point(1, fta::v1::PHASE_WRITE, 123.5);
                                     metered.set_link_utilisation_pct(42.5);
                                     return metered;
                                   }()})
                  .ok());
  absl::StatusOr<fta::v1::Sweep> got = store_->GetSweep(sweep.id());
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->state(), fta::v1::SWEEP_STATE_RUNNING);
  EXPECT_EQ(got->spec().fta_counts_size(), 2);
  EXPECT_TRUE(got->spec().native());
  EXPECT_EQ(got->steps_total(), 3);
  EXPECT_EQ(got->steps_done(), 1);
  ASSERT_EQ(got->runs_size(), 1);
  fta::v1::SweepRun expected = MakeRun(1, fta::v1::SWEEP_RUN_STATE_COMPLETED);
  EXPECT_EQ(got->runs(0).SerializeAsString(), expected.SerializeAsString()) << got->runs(0).DebugString();
  ASSERT_EQ(got->points_size(), 2);
  EXPECT_EQ(got->points(0).phase(), fta::v1::PHASE_WRITE);
  EXPECT_DOUBLE_EQ(got->points(0).bandwidth_mib(), 123.5);
  EXPECT_DOUBLE_EQ(got->points(0).link_utilisation_pct(), 42.5);
  EXPECT_DOUBLE_EQ(got->points(1).link_utilisation_pct(), -1);  // Point()'s: not metered
  EXPECT_EQ(got->points(1).job_id(), "job-9");
}

TEST_F(StoreSweepsTest, ARerunReplacesTheStepsRunAndPoints) {
  fta::v1::Sweep sweep = NewSweep();
  ASSERT_TRUE(store_->PutSweep(sweep).ok());
  ASSERT_TRUE(store_->PutSweepRun(sweep.id(), MakeRun(0, fta::v1::SWEEP_RUN_STATE_FAILED), {}).ok());
  ASSERT_TRUE(store_->PutSweepRun(sweep.id(), MakeRun(0, fta::v1::SWEEP_RUN_STATE_COMPLETED), {Point(0, fta::v1::PHASE_WRITE, 1)}).ok());
  auto got = store_->GetSweep(sweep.id());
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->runs_size(), 1);
  EXPECT_EQ(got->runs(0).state(), fta::v1::SWEEP_RUN_STATE_COMPLETED);
  EXPECT_EQ(got->points_size(), 1);
}

TEST_F(StoreSweepsTest, UnknownSweepIsNotFound) {
  EXPECT_TRUE(absl::IsNotFound(store_->GetSweep("sweep-404").status()));
  EXPECT_TRUE(absl::IsNotFound(store_->PutSweepRun("sweep-404", MakeRun(0, fta::v1::SWEEP_RUN_STATE_COMPLETED), {})));
}

TEST_F(StoreSweepsTest, RunningSweepsBecomeInterruptedWithReason) {
  fta::v1::Sweep running = NewSweep();
  fta::v1::Sweep done = NewSweep();
  done.set_state(fta::v1::SWEEP_STATE_COMPLETED);
  ASSERT_TRUE(store_->PutSweep(running).ok());
  ASSERT_TRUE(store_->PutSweep(done).ok());
  auto ids = store_->InterruptRunningSweeps("daemon stopped");
  ASSERT_TRUE(ids.ok());
  EXPECT_THAT(*ids, ::testing::ElementsAre(running.id()));
  EXPECT_EQ(store_->GetSweep(running.id())->state(), fta::v1::SWEEP_STATE_INTERRUPTED);
  EXPECT_EQ(store_->GetSweep(running.id())->error(), "daemon stopped");
  EXPECT_EQ(store_->GetSweep(done.id())->state(), fta::v1::SWEEP_STATE_COMPLETED);
  auto listed = store_->ListSweeps(PageQuery{10, ""});
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->items.size(), 2u);
  EXPECT_FALSE(listed->more);
  EXPECT_EQ(listed->items[0].id(), done.id());  // newest first (same time: later insert first)
}

}  // namespace
}  // namespace fta::store
