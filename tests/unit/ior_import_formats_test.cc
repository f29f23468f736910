// `ftactl results import` of every IOR output beyond a single test: a -f
// script's tests become one job each (a two-test JSON used to answer
// INTERNAL: UNIQUE constraint), the CSV summary, and the per-rank CSV given
// next to its run. Fixtures: tests/data/ior/local-* (generate-local.sh).
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/ior_fixture.h"

#include "lib/core/clock.h"
#include "lib/core/paging.h"
#include "lib/jobs/ior_import.h"
#include "lib/services/import_service.h"
#include "lib/store/store.h"
#include "tests/unit/fakes/temp_store.h"

namespace fta::hostd {
namespace {

using ::testing::HasSubstr;

constexpr auto Fixture = fta::testing::IorFixture;

class ImportFormatsTest : public fta::testing::TempStoreTest {
 protected:
  ImportFormatsTest() : TempStoreTest("ior_import_formats") {}
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(TempStoreTest::SetUp());
    service_ = std::make_unique<ImportServiceImpl>(store_.get(), &clock_);
  }
  void TearDown() override {
    service_.reset();
    store_.reset();
  }
  // What the RPC answers for `content` (and an optional per-rank CSV).
  grpc::Status Import(const std::string& name, const std::string& ranks_name,
                      fta::v1::ImportIorOutputResponse* response) {
    fta::v1::ImportIorOutputRequest request;
    request.set_content(Fixture(name));
    request.set_name(name);
    if (!ranks_name.empty()) {
      request.set_rank_details(Fixture(ranks_name));
      request.set_rank_details_name(ranks_name);
    }
    return service_->ImportIorOutput(nullptr, &request, response);
  }
  // The message of the INVALID_ARGUMENT importing `name` (and `ranks_name`) answers.
  std::string RefusalOf(const std::string& name, const std::string& ranks_name) {
    fta::v1::ImportIorOutputResponse response;
    grpc::Status status = Import(name, ranks_name, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
    return status.error_message();
  }
  size_t StoredJobs() {
    absl::StatusOr<Page<fta::v1::Job>> listed = store_->ListJobs(PageQuery{.size = kMaxPageSize});
    EXPECT_TRUE(listed.ok());
    return listed.ok() ? listed->items.size() : 0;
  }
  RealClock clock_;
  std::unique_ptr<ImportServiceImpl> service_;
};

TEST_F(ImportFormatsTest, TwoTestJsonIsTwoStoredJobsNotInternal) {
  fta::v1::ImportIorOutputResponse response;
  grpc::Status status = Import("local-multi-test.json", "", &response);
  ASSERT_TRUE(status.ok()) << status.error_code() << ": " << status.error_message();
  ASSERT_EQ(response.jobs_size(), 2);
  const fta::v1::Job& first = response.jobs(0);
  const fta::v1::Job& second = response.jobs(1);
  EXPECT_NE(first.id(), second.id());
  EXPECT_EQ(first.source(), "local-multi-test.json (test 0)");
  EXPECT_EQ(second.source(), "local-multi-test.json (test 1)");
  EXPECT_EQ(first.transfer_size_bytes(), 1048576);
  EXPECT_EQ(second.transfer_size_bytes(), 262144);
  EXPECT_EQ(second.block_size_bytes(), 8388608);
  ASSERT_EQ(first.aggregates_size(), 2);
  EXPECT_DOUBLE_EQ(first.aggregates(0).bandwidth_mib(), 567.8386);
  ASSERT_EQ(second.aggregates_size(), 4);
  EXPECT_DOUBLE_EQ(second.aggregates(2).bandwidth_mib(), 9069.9911);
  EXPECT_EQ(second.aggregates(2).iteration(), 1);
  EXPECT_EQ(second.aggregates(2).bytes(), 2 * 8388608LL);
  ASSERT_EQ(second.summaries_size(), 2);
  EXPECT_DOUBLE_EQ(second.summaries(0).mean_mib(), 4798.9439);
  EXPECT_EQ(second.summaries(0).iterations(), 2);
  EXPECT_EQ(StoredJobs(), 2u);
}

TEST_F(ImportFormatsTest, TwoTestTextIsTwoJobsWithIorsFigures) {
  fta::v1::ImportIorOutputResponse response;
  ASSERT_TRUE(Import("local-multi-test.txt", "", &response).ok());
  ASSERT_EQ(response.jobs_size(), 2);
  EXPECT_DOUBLE_EQ(response.jobs(0).aggregates(1).bandwidth_mib(), 1927.00);
  EXPECT_DOUBLE_EQ(response.jobs(1).aggregates(3).bandwidth_mib(), 42799);
  EXPECT_DOUBLE_EQ(response.jobs(1).summaries(0).stddev_mib(), 6032.15);
  EXPECT_EQ(response.jobs(1).spec().iterations(), 2);
}

TEST_F(ImportFormatsTest, CsvSummaryImportsWithComputedSummary) {
  fta::v1::ImportIorOutputResponse response;
  ASSERT_TRUE(Import("local-csv-i2.csv", "", &response).ok());
  ASSERT_EQ(response.jobs_size(), 1);
  const fta::v1::Job& job = response.jobs(0);
  EXPECT_EQ(job.ior_version(), "");
  ASSERT_EQ(job.aggregates_size(), 4);
  EXPECT_DOUBLE_EQ(job.aggregates(2).bandwidth_mib(), 1056.9407);
  EXPECT_EQ(job.aggregates(2).bytes(), 2 * 16777216LL);
  ASSERT_EQ(job.summaries_size(), 2);
  EXPECT_DOUBLE_EQ(job.summaries(0).max_mib(), 1056.9407);
  EXPECT_DOUBLE_EQ(job.summaries(0).min_mib(), 142.4794);
  EXPECT_NEAR(job.summaries(0).mean_mib(), (142.4794 + 1056.9407) / 2, 1e-9);
  EXPECT_NEAR(job.summaries(0).stddev_mib(), (1056.9407 - 142.4794) / 2, 1e-9);
}

TEST_F(ImportFormatsTest, SummaryFileStdoutIsRefusedNamingTheFile) {
  const std::string refusal = RefusalOf("local-summaryfile-json.stdout.txt", "");
  EXPECT_THAT(refusal, HasSubstr("local-summaryfile-json.stdout.txt: line 1: IOR wrote its summary to "));
  EXPECT_THAT(refusal, HasSubstr("summary.json instead"));
  EXPECT_EQ(StoredJobs(), 0u);
}

TEST_F(ImportFormatsTest, SummaryFilesAndWearOutJsonImport) {
  fta::v1::ImportIorOutputResponse response;
  ASSERT_TRUE(Import("local-summaryfile-json.json", "", &response).ok());
  EXPECT_DOUBLE_EQ(response.jobs(0).aggregates(3).bandwidth_mib(), 40820.4769);
  ASSERT_TRUE(Import("local-summaryfile-csv.csv", "", &response).ok());
  EXPECT_DOUBLE_EQ(response.jobs(1).aggregates(1).bandwidth_mib(), 34979.8614);
  ASSERT_TRUE(Import("local-wearout.json", "", &response).ok());
  EXPECT_DOUBLE_EQ(response.jobs(2).aggregates(0).bandwidth_mib(), 340.1955);
  ASSERT_TRUE(Import("local-wearout.txt", "", &response).ok());
  EXPECT_DOUBLE_EQ(response.jobs(3).aggregates(0).bandwidth_mib(), 990.82);
  EXPECT_EQ(StoredJobs(), 4u);
}

TEST_F(ImportFormatsTest, RankCsvBecomesStoredRankResults) {
  fta::v1::ImportIorOutputResponse response;
  grpc::Status status = Import("local-ranks-i2.txt", "local-ranks-i2.ranks.csv", &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.jobs_size(), 1);
  const fta::v1::Job& job = response.jobs(0);  // read back from the store
  ASSERT_EQ(job.rank_results_size(), 8);
  const fta::v1::RankPhaseResult* write_rank1 = nullptr;
  for (const auto& r : job.rank_results()) {
    if (r.iteration() == 0 && r.phase() == fta::v1::PHASE_WRITE && r.rank() == 1) write_rank1 = &r;
  }
  ASSERT_NE(write_rank1, nullptr);
  EXPECT_EQ(write_rank1->open_start_ns(), 0);
  EXPECT_EQ(write_rank1->xfer_end_ns(), 16349077);   // 1.6349077225e-02 s
  EXPECT_EQ(write_rank1->close_end_ns(), 16483068);  // 1.6483068466e-02 s
  EXPECT_EQ(write_rank1->bytes(), 16777216);
  EXPECT_EQ(write_rank1->ops(), 16);
}

TEST_F(ImportFormatsTest, RankCsvOfAnotherRunIsRefusedNamingTheLine) {
  // 8 rank rows (2 ranks x 2 phases x 2 iterations) against a one-iteration
  // run that needs 4: the fifth row is one too many.
  EXPECT_EQ(RefusalOf("posix-nn-np2-t1m-b64m.txt", "local-ranks-i2.ranks.csv"),
            "local-ranks-i2.ranks.csv: line 6: more rows than the run's ranks x phases x iterations (4): is it "
            "the CSV of another run?");
  // Against the two-test run (1 + 2 iterations) the rows run out.
  EXPECT_EQ(RefusalOf("local-multi-test.txt", "local-ranks-i2.ranks.csv"),
            "local-ranks-i2.ranks.csv: line 9: rows end here, but local-multi-test.txt (test 1) needs a write row "
            "for rank 0 of iteration 1 (is it the CSV of another run?)");
  // Rows in another order than the run's phases name the first that differs.
  std::string swapped = Fixture("local-ranks-i2.ranks.csv");
  swapped.replace(swapped.find("write,1,"), 8, "read,1,");
  fta::v1::ImportIorOutputRequest request;
  request.set_content(Fixture("local-ranks-i2.txt"));
  request.set_name("run.txt");
  request.set_rank_details(swapped);
  request.set_rank_details_name("ranks.csv");
  fta::v1::ImportIorOutputResponse response;
  grpc::Status status = service_->ImportIorOutput(nullptr, &request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(),
            "ranks.csv: line 3: expected the write row of rank 1 (iteration 0), got read of rank 1");
  EXPECT_EQ(StoredJobs(), 0u);
}

TEST_F(ImportFormatsTest, RankCsvAloneIsRefusedNamingTheLine) {
  EXPECT_EQ(RefusalOf("local-ranks-i2.ranks.csv", ""),
            "local-ranks-i2.ranks.csv: line 1: this is IOR's per-rank CSV (saveRankPerformanceDetailsCSV): give it "
            "right after its run's output");
}

}  // namespace
}  // namespace fta::hostd
