// The store's cleanup intents (files of unfinished jobs, migration 12) and
// retention pruning (jobs.retention_days).
#include "tests/unit/store_fixture.h"

namespace fta::store {
namespace {

constexpr int64_t kDay = 86'400'000;

class StoreRetentionTest : public StoreTest {};

TEST_F(StoreRetentionTest, CleanupIntentsOutliveTheProcessUntilDropped) {
  {
    auto store = OpenStore();
    ASSERT_TRUE(store->PutJob(MakeJob("job-1", fta::v1::JOB_STATE_RUNNING, 1000)).ok());
    ASSERT_TRUE(store->PutCleanupIntent({"job-1", "/data/ior", "testfile", true, 8}).ok());
    EXPECT_EQ(store->PutCleanupIntent({"job-404", "/data", "t", false, 1}).code(), absl::StatusCode::kNotFound)
        << "an intent needs its job";
  }
  auto store = OpenStore();  // reopened: as after a crash
  EXPECT_GE(store->SchemaVersion(), 12);
  absl::StatusOr<std::vector<Store::CleanupIntent>> intents = store->ListCleanupIntents();
  ASSERT_TRUE(intents.ok()) << intents.status();
  ASSERT_EQ(intents->size(), 1u);
  EXPECT_EQ((*intents)[0].job_id, "job-1");
  EXPECT_EQ((*intents)[0].directory, "/data/ior");
  EXPECT_EQ((*intents)[0].file_name, "testfile");
  EXPECT_TRUE((*intents)[0].unique_dir);
  EXPECT_EQ((*intents)[0].total_ranks, 8);
  ASSERT_TRUE(store->DeleteCleanupIntent("job-1").ok());
  ASSERT_TRUE(store->DeleteCleanupIntent("job-1").ok()) << "absent is fine";
  EXPECT_TRUE(store->ListCleanupIntents()->empty());
}

TEST_F(StoreRetentionTest, PruneDeletesOldFinishedJobsAndReleasedFtasOnly) {
  auto store = OpenStore();
  const int64_t now = clock_.NowUnixMillis();
  Job old_done = MakeJob("job-1", fta::v1::JOB_STATE_COMPLETED, now - 40 * kDay);
  old_done.set_finished_unix_ms(now - 40 * kDay);
  Job old_failed = MakeJob("job-2", fta::v1::JOB_STATE_FAILED, now - 40 * kDay);
  old_failed.set_finished_unix_ms(now - 39 * kDay);
  Job recent = MakeJob("job-3", fta::v1::JOB_STATE_COMPLETED, now - 2 * kDay);
  recent.set_finished_unix_ms(now - 2 * kDay);
  Job old_running = MakeJob("job-4", fta::v1::JOB_STATE_RUNNING, now - 40 * kDay);
  for (const Job& job : {old_done, old_failed, recent, old_running}) ASSERT_TRUE(store->PutJob(job).ok());
  ASSERT_TRUE(store->AddAggregate("job-1", MakeAggregate(0, fta::v1::PHASE_WRITE)).ok());
  ASSERT_TRUE(store->PutFta(MakeFta("fta-1", fta::v1::FTA_STATE_RELEASED, now - 40 * kDay)).ok());
  ASSERT_TRUE(store->PutFta(MakeFta("fta-2", fta::v1::FTA_STATE_READY, now - 40 * kDay)).ok());
  ASSERT_TRUE(store->PutFta(MakeFta("fta-3", fta::v1::FTA_STATE_RELEASED, now - kDay)).ok());

  absl::StatusOr<Store::Pruned> pruned = store->PruneBefore(now - 30 * kDay);
  ASSERT_TRUE(pruned.ok()) << pruned.status();
  EXPECT_EQ(pruned->jobs, 2);
  EXPECT_EQ(pruned->ftas, 1);
  EXPECT_EQ(store->GetJob("job-1").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store->GetJob("job-2").status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(store->GetJob("job-3").ok());
  EXPECT_TRUE(store->GetJob("job-4").ok()) << "a running job is never pruned";
  EXPECT_EQ(store->GetFta("fta-1").status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(store->GetFta("fta-2").ok()) << "an active FTA is never pruned";
  EXPECT_TRUE(store->GetFta("fta-3").ok());
  EXPECT_EQ(QueryDirectly(path_, "SELECT COUNT(*) FROM phase_aggregates WHERE job_id = 'job-1'"), "0");
  EXPECT_EQ(QueryDirectly(path_, "PRAGMA integrity_check"), "ok");
}

TEST_F(StoreRetentionTest, JobsAreCountedByState) {
  auto store = OpenStore();
  ASSERT_TRUE(store->PutJob(MakeJob("job-1", fta::v1::JOB_STATE_COMPLETED, 1)).ok());
  ASSERT_TRUE(store->PutJob(MakeJob("job-2", fta::v1::JOB_STATE_COMPLETED, 2)).ok());
  ASSERT_TRUE(store->PutJob(MakeJob("job-3", fta::v1::JOB_STATE_FAILED, 3)).ok());
  absl::StatusOr<std::map<std::string, int64_t>> counts = store->CountJobsByState();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ((*counts)["JOB_STATE_COMPLETED"], 2);
  EXPECT_EQ((*counts)["JOB_STATE_FAILED"], 1);
}

}  // namespace
}  // namespace fta::store
