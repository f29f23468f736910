// `ftactl results import` on the daemon side: IOR output becomes a job with
// IOR's own figures, and storing it is all or nothing.
#include "lib/jobs/ior_import.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/ior_fixture.h"

#include "lib/store/store.h"
#include "tests/unit/fakes/temp_store.h"

namespace fta::hostd {
namespace {

using ::testing::HasSubstr;

constexpr auto Fixture = fta::testing::IorFixture;

// The single job of a one-test file.
absl::StatusOr<fta::v1::Job> JobFromIorOutput(const std::string& content, const std::string& name, int64_t now) {
  absl::StatusOr<std::vector<fta::v1::Job>> jobs = JobsFromIorOutput({content, name}, now);
  if (!jobs.ok()) return jobs.status();
  EXPECT_EQ(jobs->size(), 1u) << name;
  return jobs->front();
}

TEST(IorImport, TextRunBecomesAJobWithIorsFigures) {
  absl::StatusOr<fta::v1::Job> job = JobFromIorOutput(Fixture("posix-nn-np2-t1m-b64m-i3.txt"), "i3.txt", 42);
  ASSERT_TRUE(job.ok()) << job.status();
  EXPECT_EQ(job->engine(), fta::v1::ENGINE_IOR_IMPORT);
  EXPECT_EQ(job->timestamp_source(), "ior-reported");
  EXPECT_EQ(job->source(), "i3.txt");
  EXPECT_EQ(job->ior_version(), "4.1.0+dev");
  EXPECT_THAT(job->ior_command_line(), HasSubstr("-i 3"));
  EXPECT_EQ(job->state(), fta::v1::JOB_STATE_COMPLETED);
  EXPECT_EQ(job->transfer_size_bytes(), 1048576);
  EXPECT_EQ(job->block_size_bytes(), 67108864);
  EXPECT_EQ(job->spec().iterations(), 3);
  EXPECT_TRUE(job->spec().write() && job->spec().read());
  ASSERT_EQ(job->aggregates_size(), 6);
  EXPECT_EQ(job->aggregates(2).iteration(), 1);
  EXPECT_EQ(job->aggregates(2).phase(), fta::v1::PHASE_WRITE);
  EXPECT_DOUBLE_EQ(job->aggregates(2).bandwidth_mib(), 12495);
  EXPECT_DOUBLE_EQ(job->aggregates(2).bandwidth_mb(), 12495 * 1.048576);
  EXPECT_EQ(job->aggregates(2).bytes(), 2 * 67108864LL);
  EXPECT_EQ(job->aggregates(2).ranks(), 2);
  ASSERT_EQ(job->summaries_size(), 2);
  EXPECT_DOUBLE_EQ(job->summaries(0).max_mib(), 12494.96);
  EXPECT_DOUBLE_EQ(job->summaries(0).stddev_mib(), 886.60);
  EXPECT_DOUBLE_EQ(job->summaries(1).mean_mib(), 35402.59);
  EXPECT_EQ(job->summaries(1).iterations(), 3);
  EXPECT_NE(job->created_unix_ms(), 42);  // IOR's "Began" parsed
}

TEST(IorImport, TruncatedOutputNamesFileAndLine) {
  std::string text = Fixture("posix-nn-np2-t1m-b64m.txt");
  absl::StatusOr<fta::v1::Job> job = JobFromIorOutput(text.substr(0, text.find("Finished")), "cut.txt", 0);
  EXPECT_EQ(job.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(job.status().message(), HasSubstr("cut.txt: line 40: output ends inside the Summary table"));
}

TEST(IorImport, FailedRunIsRefusedQuotingIor) {
  absl::StatusOr<fta::v1::Job> job = JobFromIorOutput(Fixture("fail-read-missing-file.txt"), "f.txt", 0);
  EXPECT_EQ(job.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(job.status().message(), HasSubstr("f.txt: records a failed IOR run"));
  EXPECT_THAT(job.status().message(), HasSubstr("ERROR: open64("));
}

class ImportStoreTest : public testing::TempStoreTest {
 protected:
  ImportStoreTest() : TempStoreTest("ior_import_test") {}
};

TEST_F(ImportStoreTest, StoredJobReadsBackWhole) {
  absl::StatusOr<fta::v1::Job> job = JobFromIorOutput(Fixture("posix-nn-np2-t1m-b64m-v.json"), "v.json", 0);
  ASSERT_TRUE(job.ok()) << job.status();
  job->set_id("job-1");
  ASSERT_TRUE(store_->PutImportedJob(*job).ok());
  absl::StatusOr<fta::v1::Job> stored = store_->GetJob("job-1");
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(stored->engine(), fta::v1::ENGINE_IOR_IMPORT);
  EXPECT_EQ(stored->source(), "v.json");
  EXPECT_EQ(stored->ior_version(), "4.1.0+dev");
  EXPECT_EQ(stored->timestamp_source(), "ior-reported");
  ASSERT_EQ(stored->aggregates_size(), 2);
  EXPECT_DOUBLE_EQ(stored->aggregates(0).bandwidth_mib(), 12803.9807);
  ASSERT_EQ(stored->summaries_size(), 2);
  EXPECT_DOUBLE_EQ(stored->summaries(1).max_mib(), 32668.3042);
  // The id is taken: a second import under it changes nothing.
  EXPECT_EQ(store_->PutImportedJob(*job).code(), absl::StatusCode::kAlreadyExists);
}

TEST_F(ImportStoreTest, FailureHalfWayStoresNothing) {
  absl::StatusOr<fta::v1::Job> job = JobFromIorOutput(Fixture("posix-nn-np2-t1m-b64m.json"), "x.json", 0);
  ASSERT_TRUE(job.ok()) << job.status();
  job->set_id("job-1");
  // Two aggregates for the same (iteration, phase): the second insert fails
  // after the job row and the first aggregate went in.
  *job->add_aggregates() = job->aggregates(0);
  EXPECT_FALSE(store_->PutImportedJob(*job).ok());
  EXPECT_EQ(store_->GetJob("job-1").status().code(), absl::StatusCode::kNotFound);
  absl::StatusOr<Page<fta::v1::Job>> listed = store_->ListJobs(PageQuery{});
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->items.empty());
}

}  // namespace
}  // namespace fta::hostd
