// Housekeeping: per-FTA agent logs are rotated at their cap (keeping N), and
// the retention prunes the store on a tick.
#include "lib/daemon/housekeeping.h"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "lib/core/file_text.h"
#include "gtest/gtest.h"
#include "tests/unit/fakes/fake_clock.h"
#include "tests/unit/fakes/temp_dir.h"

namespace fta::hostd {
namespace {

TEST(HousekeepingTest, LogsOverTheCapAreRotatedKeepingN) {
  testing::TempDir logs("housekeeping_logs");
  const std::string log = logs.path() + "/fta-1.log";
  // The agent's view: an O_APPEND descriptor that stays open across rotations.
  int agent = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  ASSERT_GE(agent, 0);
  for (char generation : {'a', 'b', 'c', 'd'}) {
    std::string chunk(200, generation);
    ASSERT_EQ(write(agent, chunk.data(), chunk.size()), 200);
    EXPECT_EQ(Housekeeping::RotateLogs(logs.path(), 100, 2), 1);
  }
  EXPECT_EQ(std::filesystem::file_size(log), 0u);
  EXPECT_EQ(ReadFileOrEmpty(log + ".1"), std::string(200, 'd'));
  EXPECT_EQ(ReadFileOrEmpty(log + ".2"), std::string(200, 'c'));
  EXPECT_FALSE(std::filesystem::exists(log + ".3")) << "keep 2";
  ASSERT_EQ(write(agent, "next", 4), 4);
  EXPECT_EQ(ReadFileOrEmpty(log), "next") << "the agent goes on at the start of the truncated file";
  close(agent);
  EXPECT_EQ(Housekeeping::RotateLogs(logs.path(), 100, 2), 0) << "under the cap: left alone";
}

TEST(HousekeepingTest, ATickPrunesWhatIsOlderThanTheRetention) {
  testing::TempDir state("housekeeping_state");
  testing::FakeClock clock(absl::ZeroDuration(), int64_t{1'700'000'000'000} * 1'000'000);
  absl::StatusOr<std::unique_ptr<store::Store>> store = store::Store::Open(state.path() + "/db", &clock);
  ASSERT_TRUE(store.ok());
  fta::v1::Job job;
  job.set_id("job-1");
  job.set_state(fta::v1::JOB_STATE_COMPLETED);
  job.set_finished_unix_ms(clock.NowUnixMillis());
  ASSERT_TRUE((*store)->PutJob(job).ok());
  Housekeeping housekeeping(store->get(), &clock, Housekeeping::Options{7, "", 1 << 20, 3});
  clock.Advance(absl::Hours(24 * 6));
  housekeeping.Tick();
  EXPECT_TRUE((*store)->GetJob("job-1").ok()) << "6 days old, 7 kept";
  clock.Advance(absl::Hours(48));
  housekeeping.Tick();
  EXPECT_EQ((*store)->GetJob("job-1").status().code(), absl::StatusCode::kNotFound);
  housekeeping.SetRetentionDays(0);
  EXPECT_EQ(housekeeping.retention_days(), 0);
}

TEST(HousekeepingTest, MpiWorkDirsLiveAsLongAsTheirJobRecord) {
  testing::TempDir state("housekeeping_mpi");
  testing::FakeClock clock(absl::ZeroDuration(), int64_t{1'700'000'000'000} * 1'000'000);
  absl::StatusOr<std::unique_ptr<store::Store>> store = store::Store::Open(state.path() + "/db", &clock);
  ASSERT_TRUE(store.ok());
  fta::v1::Job job;
  job.set_id("job-kept");
  job.set_state(fta::v1::JOB_STATE_COMPLETED);
  job.set_finished_unix_ms(clock.NowUnixMillis());
  ASSERT_TRUE((*store)->PutJob(job).ok());
  const std::string mpi = state.path() + "/mpi";
  for (const char* id : {"job-kept", "job-gone"}) {
    std::filesystem::create_directories(mpi + "/" + id);
    std::ofstream(mpi + "/" + id + "/hostfile") << "localhost slots=1\n";
  }
  Housekeeping housekeeping(store->get(), &clock, Housekeeping::Options{7, "", 1 << 20, 3, mpi});
  EXPECT_EQ(housekeeping.PruneMpiWorkDirs(), 1);
  EXPECT_TRUE(std::filesystem::exists(mpi + "/job-kept/hostfile")) << "its job is still recorded";
  EXPECT_FALSE(std::filesystem::exists(mpi + "/job-gone"));
  clock.Advance(absl::Hours(24 * 8));
  housekeeping.Tick();  // the retention deletes job-kept's record, then its directory
  EXPECT_FALSE(std::filesystem::exists(mpi + "/job-kept"));
}

}  // namespace
}  // namespace fta::hostd
