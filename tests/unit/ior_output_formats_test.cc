// IOR outputs beyond one test in text or JSON: -f scripts with several tests,
// the CSV summary, stdout when the summary went to a file, log lines inside
// the JSON (stonewall wear-out), and the per-rank CSV. Fixtures are real IOR
// runs (tests/data/ior/local-*, made by generate-local.sh); every error names
// its line.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/ior_fixture.h"

#include "lib/ior/ior_output.h"

namespace fta::ior {
namespace {

using ::testing::HasSubstr;

constexpr auto Fixture = fta::testing::IorFixture;

std::string ErrorOf(const std::string& text) {
  absl::StatusOr<IorRun> run = ParseIorOutput(text);
  EXPECT_FALSE(run.ok());
  EXPECT_EQ(run.status().code(), absl::StatusCode::kInvalidArgument) << run.status();
  return std::string(run.status().message());
}

TEST(IorOutputFormats, MultiTestTextSplitsIntoTests) {
  IorRun run = fta::testing::ParsedIorFixture("local-multi-test.txt");
  ASSERT_EQ(run.results.size(), 6u);
  EXPECT_EQ(run.results[1].test_id, 0);
  EXPECT_EQ(run.results[2].test_id, 1);
  std::vector<IorRun> tests = SplitIorTests(run);
  ASSERT_EQ(tests.size(), 2u);
  ASSERT_EQ(tests[0].results.size(), 2u);
  EXPECT_DOUBLE_EQ(tests[0].results[0].bandwidth_mib, 140.02);
  EXPECT_EQ(tests[0].options.at("xfersize"), "1 MiB");
  ASSERT_EQ(tests[1].results.size(), 4u);
  EXPECT_DOUBLE_EQ(tests[1].results[2].bandwidth_mib, 13200);
  EXPECT_EQ(tests[1].results[2].iteration, 1);
  EXPECT_EQ(tests[1].options.at("xfersize"), "262144 bytes");
  ASSERT_EQ(tests[1].summary.size(), 2u);
  EXPECT_DOUBLE_EQ(tests[1].summary[0].mean_mib, 7167.86);
  EXPECT_EQ(tests[1].summary[0].transfer_size, 262144);
  EXPECT_EQ(tests[1].summary[0].repetitions, 2);
}

TEST(IorOutputFormats, MultiTestJsonSplitsIntoTests) {
  IorRun run = fta::testing::ParsedIorFixture("local-multi-test.json");
  std::vector<IorRun> tests = SplitIorTests(run);
  ASSERT_EQ(tests.size(), 2u);
  EXPECT_DOUBLE_EQ(tests[0].results[1].bandwidth_mib, 6919.1529);
  ASSERT_EQ(tests[1].results.size(), 4u);
  EXPECT_DOUBLE_EQ(tests[1].results[0].bandwidth_mib, 527.8967);
  EXPECT_EQ(tests[1].summary[1].test_id, 1);
  EXPECT_DOUBLE_EQ(tests[1].summary[1].mean_mib, 1517.7366);
}

TEST(IorOutputFormats, TextSummaryMissingATestsRowNamesTheTest) {
  std::string text = Fixture("local-multi-test.txt");
  const size_t row = text.find("read        42799.02");
  text.erase(row, text.find('\n', row) + 1 - row);
  EXPECT_EQ(ErrorOf(text), "line 75: no summary row for \"read\" of test 1");
}

TEST(IorOutputFormats, CsvSummaryParsesWithIorsStatistics) {
  IorRun run = fta::testing::ParsedIorFixture("local-csv-i2.csv");
  EXPECT_EQ(run.format, IorRun::Format::kCsv);
  ASSERT_EQ(run.results.size(), 4u);
  EXPECT_EQ(run.results[3].access, "read");
  EXPECT_EQ(run.results[3].iteration, 1);
  EXPECT_DOUBLE_EQ(run.results[3].bandwidth_mib, 3075.1438);
  EXPECT_DOUBLE_EQ(run.results[3].total_seconds, 0.0104);
  ASSERT_EQ(run.summary.size(), 2u);
  const IorSummaryRow& read = run.summary[1];
  EXPECT_EQ(read.operation, "read");
  EXPECT_DOUBLE_EQ(read.max_mib, 18680.2683);
  EXPECT_DOUBLE_EQ(read.min_mib, 3075.1438);
  EXPECT_EQ(read.tasks, 2);
  EXPECT_EQ(read.segments, 1);
  EXPECT_EQ(read.block_size, 16777216);
  EXPECT_EQ(read.transfer_size, 1048576);
  EXPECT_EQ(read.repetitions, 2);
}

TEST(IorOutputFormats, CsvErrorsNameTheLine) {
  const std::string csv = Fixture("local-csv-i2.csv");
  const std::string header = csv.substr(0, csv.find('\n') + 1);
  EXPECT_EQ(ErrorOf(header + "write,142.4794,142.8559,0.0077\n"), "line 2: CSV row has 4 columns, expected 12");
  EXPECT_EQ(ErrorOf(header + "write,abc,1,1,1,1,1,1,1,1,2,0\n"), "line 2: bw(MiB/s) \"abc\" is not a number");
  EXPECT_EQ(ErrorOf(header + "write,1,1,1,1,1,1,1,1,1,0,0\n"), "line 2: numTasks \"0\" is not a positive integer");
  EXPECT_EQ(ErrorOf(header + "remove,1,1,1,1,1,1,1,1,1,2,0\n"),
            "line 2: CSV row: access \"remove\" is neither write nor read");
  EXPECT_EQ(ErrorOf(header + "write,1,1,1,1,1,1,1,1,1,2,0\nwrite,1,1,1,1,1,1,1,1,1,2,0\n"),
            "line 3: a second write row for iteration 0 without a new header");
  EXPECT_EQ(ErrorOf(header), "line 1: no write or read rows in the CSV");
}

TEST(IorOutputFormats, RepeatedCsvHeaderStartsTheNextTest) {
  const std::string csv = Fixture("local-csv-i2.csv");
  absl::StatusOr<IorRun> run = ParseIorOutput(csv + csv);
  ASSERT_TRUE(run.ok()) << run.status();
  std::vector<IorRun> tests = SplitIorTests(*run);
  ASSERT_EQ(tests.size(), 2u);
  EXPECT_EQ(tests[1].results.size(), 4u);
  EXPECT_EQ(tests[1].summary[0].test_id, 1);
}

TEST(IorOutputFormats, SummaryFileAnnouncementIsSkippedOrNamed) {
  EXPECT_THAT(ErrorOf(Fixture("local-summaryfile-csv.stdout.txt")),
              HasSubstr("line 1: IOR wrote its summary to /tmp/"));
  absl::StatusOr<IorRun> run =
      ParseIorOutput("Writing output to /dev/stdout\n" + Fixture("local-summaryfile-csv.csv"));
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_DOUBLE_EQ(run->results[0].bandwidth_mib, 220.3310);
  // Errors after the announcement keep the file's line numbers.
  EXPECT_EQ(ErrorOf("Writing output to /dev/stdout\nfoo\n"),
            "line 2: not IOR output: expected \"IOR-<version>: ...\", got \"foo\"");
}

TEST(IorOutputFormats, WearOutLinesInsideJsonAreSkipped) {
  IorRun run = fta::testing::ParsedIorFixture("local-wearout.json");
  ASSERT_EQ(run.results.size(), 1u);
  EXPECT_DOUBLE_EQ(run.results[0].bandwidth_mib, 340.1955);
  EXPECT_DOUBLE_EQ(run.summary[0].mean_mib, 340.1955);
  // A JSON error after a skipped line still names the file's line.
  std::string broken = Fixture("local-wearout.json");
  broken.replace(broken.find("\"access\": \"write\""), 17, "\"access\" \"write\"");
  EXPECT_THAT(ErrorOf(broken), HasSubstr("line 83: invalid JSON"));
}

TEST(IorOutputFormats, RankCsvParses) {
  absl::StatusOr<std::vector<IorRankDetail>> rows = ParseIorRankCsv(Fixture("local-ranks-i2.ranks.csv"));
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 8u);
  EXPECT_EQ((*rows)[1].access, "write");
  EXPECT_EQ((*rows)[1].rank, 1);
  EXPECT_EQ((*rows)[1].line, 3u);
  EXPECT_DOUBLE_EQ((*rows)[1].total_seconds, 1.6483068466e-02);
  EXPECT_DOUBLE_EQ((*rows)[1].access_seconds, 1.6349077225e-02);
  EXPECT_DOUBLE_EQ((*rows)[1].bytes_per_second_total, 1.0178454354e+09);
  EXPECT_EQ((*rows)[7].access, "read");
}

TEST(IorOutputFormats, RankCsvErrorsNameTheLine) {
  const std::string header = "access,rank,runtime-with-openclose,runtime,throughput-withopenclose,throughput\n";
  auto error = [](const std::string& text) {
    absl::StatusOr<std::vector<IorRankDetail>> rows = ParseIorRankCsv(text);
    EXPECT_EQ(rows.status().code(), absl::StatusCode::kInvalidArgument);
    return std::string(rows.status().message());
  };
  EXPECT_EQ(error("access,bw\n"),
            "line 1: not IOR's per-rank CSV: expected the header \"access,rank,runtime-with-openclose,runtime,"
            "throughput-withopenclose,throughput\"");
  EXPECT_EQ(error(header + "write,0,1,1,1\n"), "line 2: per-rank row has 5 columns, expected 6");
  EXPECT_EQ(error(header + "write,x,1,1,1,1\n"), "line 2: rank \"x\" is not a rank number");
  EXPECT_EQ(error(header + "write,0,1,1,1,1\nread,1,1,nan?,1,1\n"), "line 3: runtime \"nan?\" is not a number");
  EXPECT_EQ(error(header + "stat,0,1,1,1,1\n"), "line 2: access \"stat\" is neither write nor read");
  EXPECT_EQ(error(header), "line 1: the per-rank CSV holds no rows");
}

}  // namespace
}  // namespace fta::ior
