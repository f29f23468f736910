// JobFileKeeper: the files of a job that did not complete are removed, also
// after a crash (the stored intent), never through links and never the
// files of a completed job or of one run with -k.
#include "lib/jobs/job_files.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "gtest/gtest.h"
#include "tests/unit/fakes/fake_clock.h"
#include "tests/unit/fakes/temp_dir.h"

namespace fta::hostd {
namespace {

class JobFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<store::Store>> opened = store::Store::Open(state_.path() + "/db", &clock_);
    ASSERT_TRUE(opened.ok()) << opened.status();
    store_ = std::move(*opened);
    params_.directory = data_.path();
    params_.file_name = "testfile";
  }

  void PutJob(const std::string& id) {
    fta::v1::Job job;
    job.set_id(id);
    job.set_state(fta::v1::JOB_STATE_RUNNING);
    ASSERT_TRUE(store_->PutJob(job).ok());
  }

  void Touch(const std::string& path) { std::ofstream(path) << "data"; }
  int FilesIn(const std::string& dir) {
    int count = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) count += entry.is_regular_file();
    return count;
  }

  testing::TempDir state_{"job_files_state"};
  testing::TempDir data_{"job_files_data"};
  testing::FakeClock clock_{absl::ZeroDuration(), int64_t{1'700'000'000'000} * 1'000'000};
  std::unique_ptr<store::Store> store_;
  ior::IorParams params_;
};

TEST_F(JobFilesTest, AFailedJobsFilesAreRemoved) {
  PutJob("job-1");
  JobFileKeeper keeper(store_.get());
  ASSERT_TRUE(keeper.Expect("job-1", params_, 3).ok());
  for (int rank = 0; rank < 3; ++rank) Touch(ior::RankFilePath(params_, rank));
  Touch(data_.path() + "/other-file");
  EXPECT_EQ(keeper.Finished("job-1", fta::v1::JOB_STATE_FAILED), 3);
  EXPECT_EQ(FilesIn(data_.path()), 1) << "only the job's own files go";
  EXPECT_TRUE(store_->ListCleanupIntents()->empty());
}

TEST_F(JobFilesTest, ACompletedJobsIntentIsDroppedWithoutTouchingFiles) {
  PutJob("job-1");
  JobFileKeeper keeper(store_.get());
  ASSERT_TRUE(keeper.Expect("job-1", params_, 1).ok());
  Touch(ior::RankFilePath(params_, 0));
  EXPECT_EQ(keeper.Finished("job-1", fta::v1::JOB_STATE_COMPLETED), 0);
  EXPECT_EQ(FilesIn(data_.path()), 1);
  EXPECT_TRUE(store_->ListCleanupIntents()->empty());
}

TEST_F(JobFilesTest, KeepFilesRecordsNothing) {
  PutJob("job-1");
  params_.keep_files = true;
  JobFileKeeper keeper(store_.get());
  ASSERT_TRUE(keeper.Expect("job-1", params_, 1).ok());
  Touch(ior::RankFilePath(params_, 0));
  EXPECT_EQ(keeper.Finished("job-1", fta::v1::JOB_STATE_CANCELLED), 0);
  EXPECT_EQ(FilesIn(data_.path()), 1);
}

TEST_F(JobFilesTest, LeftoversOfACrashAreRemovedAtTheNextStart) {
  PutJob("job-1");
  params_.unique_dir = true;
  ASSERT_TRUE(JobFileKeeper(store_.get()).Expect("job-1", params_, 2).ok());
  for (int rank = 0; rank < 2; ++rank) {
    std::filesystem::create_directories(ior::RankDirectory(params_, rank));
    Touch(ior::RankFilePath(params_, rank));
  }
  // The daemon died here; a new one starts.
  JobFileKeeper next(store_.get());
  absl::StatusOr<int> removed = next.RemoveLeftovers();
  ASSERT_TRUE(removed.ok()) << removed.status();
  EXPECT_EQ(*removed, 2);
  EXPECT_FALSE(std::filesystem::exists(data_.path() + "/0")) << "emptied -u directories go too";
  EXPECT_TRUE(store_->ListCleanupIntents()->empty());
}

TEST_F(JobFilesTest, RemovalNeverFollowsALink) {
  PutJob("job-1");
  testing::TempDir elsewhere("job_files_elsewhere");
  const std::string victim = elsewhere.path() + "/testfile.00000000";
  Touch(victim);
  params_.unique_dir = true;
  ASSERT_EQ(symlink(elsewhere.path().c_str(), (data_.path() + "/0").c_str()), 0);
  JobFileKeeper keeper(store_.get());
  ASSERT_TRUE(keeper.Expect("job-1", params_, 1).ok());
  EXPECT_EQ(keeper.Finished("job-1", fta::v1::JOB_STATE_FAILED), 0);
  EXPECT_TRUE(std::filesystem::exists(victim));
}

}  // namespace
}  // namespace fta::hostd
