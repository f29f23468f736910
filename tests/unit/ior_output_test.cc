// Every fixture of a real IOR run (tests/data/ior, copied from
// shared/fixtures/ior; command lines in its README.txt) parses into the
// numbers IOR printed, or into IOR's own error.
#include "lib/ior/ior_output.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "tests/unit/ior_fixture.h"

namespace fta::ior {
namespace {

using ::testing::HasSubstr;

constexpr auto Fixture = fta::testing::IorFixture;

constexpr auto MustParse = fta::testing::ParsedIorFixture;

struct Row {
  const char* access;
  int iteration;
  double bw_mib;
  double iops;
  double total_s;
};

void ExpectRows(const IorRun& run, const std::vector<Row>& expected) {
  ASSERT_EQ(run.results.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(run.results[i].access, expected[i].access);
    EXPECT_EQ(run.results[i].iteration, expected[i].iteration);
    EXPECT_DOUBLE_EQ(run.results[i].bandwidth_mib, expected[i].bw_mib);
    EXPECT_DOUBLE_EQ(run.results[i].iops, expected[i].iops);
    EXPECT_DOUBLE_EQ(run.results[i].total_seconds, expected[i].total_s);
  }
}

struct Summary {
  const char* operation;
  double max, min, mean, stddev, mean_s;
};

void ExpectSummary(const IorRun& run, const std::vector<Summary>& expected) {
  ASSERT_EQ(run.summary.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    SCOPED_TRACE(expected[i].operation);
    EXPECT_EQ(run.summary[i].operation, expected[i].operation);
    EXPECT_DOUBLE_EQ(run.summary[i].max_mib, expected[i].max);
    EXPECT_DOUBLE_EQ(run.summary[i].min_mib, expected[i].min);
    EXPECT_DOUBLE_EQ(run.summary[i].mean_mib, expected[i].mean);
    EXPECT_DOUBLE_EQ(run.summary[i].stddev_mib, expected[i].stddev);
    EXPECT_DOUBLE_EQ(run.summary[i].mean_seconds, expected[i].mean_s);
  }
}

// IOR's "Max Write: X MiB/sec (Y MB/sec)" and "Max Read" lines (-v).
struct MaxLine {
  double mib, mb;
};

void ExpectMaxLines(const IorRun& run, MaxLine write, MaxLine read) {
  ASSERT_TRUE(run.max_write.has_value() && run.max_read.has_value());
  EXPECT_DOUBLE_EQ(run.max_write->mib, write.mib);
  EXPECT_DOUBLE_EQ(run.max_write->mb, write.mb);
  EXPECT_DOUBLE_EQ(run.max_read->mib, read.mib);
  EXPECT_DOUBLE_EQ(run.max_read->mb, read.mb);
}

// The write summary of a 3-iteration run is IOR's: mean and population
// stddev of the write rows (0, 2, 4), within `tolerance` MiB/s.
void ExpectWriteSummaryIsPopulationStatistics(const IorRun& run, double tolerance) {
  ASSERT_EQ(run.results.size(), 6u);
  double sum = 0, sum_sq = 0;
  for (int i : {0, 2, 4}) sum += run.results[i].bandwidth_mib;
  double mean = sum / 3;
  for (int i : {0, 2, 4}) sum_sq += std::pow(run.results[i].bandwidth_mib - mean, 2);
  EXPECT_NEAR(mean, run.summary[0].mean_mib, tolerance);
  EXPECT_NEAR(std::sqrt(sum_sq / 3), run.summary[0].stddev_mib, tolerance);
}

// Every fixture of a run that succeeded: its rows and summary as IOR printed
// them, in text and in JSON.
struct PrintedNumbers {
  const char* fixture;
  std::vector<Row> rows;
  std::vector<Summary> summary;
};

class IorFixtureNumbers : public ::testing::TestWithParam<PrintedNumbers> {};

TEST_P(IorFixtureNumbers, RowsAndSummaryAreThoseIorPrinted) {
  IorRun run = MustParse(GetParam().fixture);
  ExpectRows(run, GetParam().rows);
  ExpectSummary(run, GetParam().summary);
}

INSTANTIATE_TEST_SUITE_P(
    TextAndJson, IorFixtureNumbers,
    ::testing::Values(
        PrintedNumbers{"posix-nn-np2-t1m-b64m.txt",
                       {{"write", 0, 10403, 10511, 0.012304}, {"read", 0, 35585, 35854, 0.003597}},
                       {{"write", 10403.06, 10403.06, 10403.06, 0.00, 0.01230},
                        {"read", 35585.00, 35585.00, 35585.00, 0.00, 0.00360}}},
        PrintedNumbers{"posix-nn-np2-t1m-b64m-v.txt",
                       {{"write", 0, 11108, 11240, 0.011523}, {"read", 0, 35957, 36231, 0.003560}},
                       {{"write", 11108.21, 11108.21, 11108.21, 0.00, 0.01152},
                        {"read", 35956.80, 35956.80, 35956.80, 0.00, 0.00356}}},
        PrintedNumbers{"posix-nn-np2-t1m-b64m-i3.txt",
                       {{"write", 0, 10499, 10624, 0.012191},
                        {"read", 0, 34887, 35099, 0.003669},
                        {"write", 1, 12495, 12631, 0.010244},
                        {"read", 1, 35205, 35397, 0.003636},
                        {"write", 2, 12239, 12371, 0.010458},
                        {"read", 2, 36116, 36314, 0.003544}},
                       {{"write", 12494.96, 10499.50, 11744.63, 886.60, 0.01096},
                        {"read", 36116.44, 34886.67, 35402.59, 521.20, 0.00362}}},
        PrintedNumbers{"posix-nn-np2-t1m-b16m-s4-C-e-g-v.txt",
                       {{"write", 0, 1202.86, 1205.55, 0.106413},
                        {"read", 0, 27820, 27942, 0.004601},
                        {"write", 1, 1291.73, 1294.21, 0.099092},
                        {"read", 1, 31372, 31519, 0.004080}},
                       {{"write", 1291.73, 1202.86, 1247.30, 44.43, 0.10275},
                        {"read", 31372.11, 27820.03, 29596.07, 1776.04, 0.00434}}},
        PrintedNumbers{"posix-nn-np2-t100k-b64000k.txt",
                       {{"write", 0, 7893, 81554, 0.015837}, {"read", 0, 16611, 170441, 0.007525}},
                       {{"write", 7892.93, 7892.93, 7892.93, 0.00, 0.01584},
                        {"read", 16610.84, 16610.84, 16610.84, 0.00, 0.00753}}},
        PrintedNumbers{"posix-nn-np2-t10k-b64000k.txt",
                       {{"write", 0, 2769.83, 284515, 0.045129}, {"read", 0, 4809, 492836, 0.025992}},
                       {{"write", 2769.83, 2769.83, 2769.83, 0.00, 0.04513},
                        {"read", 4809.19, 4809.19, 4809.19, 0.00, 0.02599}}},
        PrintedNumbers{"posix-nn-np2-t1m-b64m-odirect.txt",
                       {{"write", 0, 1530.07, 1532.63, 0.083656}, {"read", 0, 1927.48, 1928.03, 0.066408}},
                       {{"write", 1530.07, 1530.07, 1530.07, 0.00, 0.08366},
                        {"read", 1927.48, 1927.48, 1927.48, 0.00, 0.06641}}},
        PrintedNumbers{"posix-nn-np2-t1m-b64m-writeonly-k.txt",
                       {{"write", 0, 11312, 11534, 0.011316}},
                       {{"write", 11311.59, 11311.59, 11311.59, 0.00, 0.01132}}},
        PrintedNumbers{"posix-nn-np2-t1m-b64m-readonly-E.txt",
                       {{"read", 0, 33118, 33334, 0.003865}},
                       {{"read", 33117.69, 33117.69, 33117.69, 0.00, 0.00387}}},
        PrintedNumbers{
            "posix-nn-np2-t1m-b64m.json",
            {{"write", 0, 10873.3349, 11009.8007, 0.0118}, {"read", 0, 29788.0992, 29934.2577, 0.0043}},
            {{"write", 10873.3349, 10873.3349, 10873.3349, 0, 0.0118},
             {"read", 29788.0992, 29788.0992, 29788.0992, 0, 0.0043}}},
        PrintedNumbers{"posix-nn-np2-t1m-b64m-i3.json",
                       {{"write", 0, 12605.8586, 12775.6446, 0.0102},
                        {"read", 0, 39677.1053, 39874.5478, 0.0032},
                        {"write", 1, 14112.5838, 14271.2702, 0.0091},
                        {"read", 1, 37845.1228, 38027.4056, 0.0034},
                        {"write", 2, 13618.5610, 13766.6268, 0.0094},
                        {"read", 2, 41734.3682, 41969.2708, 0.0031}},
                       {{"write", 14112.5838, 12605.8586, 13445.6678, 627.1492, 0.0095},
                        {"read", 41734.3682, 37845.1228, 39752.1988, 1588.6654, 0.0032}}},
        PrintedNumbers{"posix-nn-np2-t1m-b16m-s4-C-e-g.json",
                       {{"write", 0, 1257.2442, 1259.6424, 0.1018},
                        {"read", 0, 33737.8817, 34269.8144, 0.0038},
                        {"write", 1, 1330.2153, 1332.8871, 0.0962},
                        {"read", 1, 33674.3970, 33825.0323, 0.0038}},
                       {{"write", 1330.2153, 1257.2442, 1293.7297, 36.4856, 0.0990},
                        {"read", 33737.8817, 33674.3970, 33706.1394, 31.7423, 0.0038}}},
        PrintedNumbers{
            "posix-nn-np2-t100k-b64000k.json",
            {{"write", 0, 7733.2035, 79895.0715, 0.0162}, {"read", 0, 15065.7471, 155075.3645, 0.0083}},
            {{"write", 7733.2035, 7733.2035, 7733.2035, 0, 0.0162},
             {"read", 15065.7471, 15065.7471, 15065.7471, 0, 0.0083}}},
        PrintedNumbers{
            "posix-nn-np2-t10k-b64000k.json",
            {{"write", 0, 2306.6614, 236848.1963, 0.0542}, {"read", 0, 4509.5388, 462178.2801, 0.0277}},
            {{"write", 2306.6614, 2306.6614, 2306.6614, 0, 0.0542},
             {"read", 4509.5388, 4509.5388, 4509.5388, 0, 0.0277}}}),
    [](const ::testing::TestParamInfo<PrintedNumbers>& info) {
      std::string name = info.param.fixture;
      for (char& c : name) {
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
      }
      return name;
    });

// ---- Text -----------------------------------------------------------------

TEST(IorTextOutput, BaselineHasRowsSummaryAndNoMaxLines) {
  IorRun run = MustParse("posix-nn-np2-t1m-b64m.txt");
  EXPECT_EQ(run.format, IorRun::Format::kText);
  EXPECT_EQ(run.version, "4.1.0+dev");
  EXPECT_THAT(run.command_line, HasSubstr("-t 1m -b 64m -s 1 -i 1"));
  EXPECT_EQ(run.machine, "Linux vm");
  EXPECT_EQ(run.finished, "Tue Nov 24 02:27:38 2026");
  EXPECT_EQ(run.options.at("api"), "POSIX");
  EXPECT_EQ(run.options.at("apiVersion"), "");
  EXPECT_EQ(run.options.at("access"), "file-per-process");
  EXPECT_EQ(run.options.at("xfersize"), "1 MiB");
  EXPECT_EQ(run.options.at("tasks"), "2");
  EXPECT_DOUBLE_EQ(run.results[0].open_seconds, 0.000297);
  EXPECT_DOUBLE_EQ(run.results[0].xfer_seconds, 0.012178);
  EXPECT_DOUBLE_EQ(run.results[0].close_seconds, 0.002333);
  EXPECT_DOUBLE_EQ(run.results[0].latency_seconds, 0.000154);
  EXPECT_DOUBLE_EQ(run.results[0].block_kib, 65536);
  EXPECT_DOUBLE_EQ(run.results[0].transfer_kib, 1024);
  EXPECT_EQ(run.summary[0].tasks, 2);
  EXPECT_EQ(run.summary[0].block_size, 67108864);
  EXPECT_EQ(run.summary[0].transfer_size, 1048576);
  EXPECT_EQ(run.summary[0].segments, 1);
  EXPECT_EQ(run.summary[0].repetitions, 1);
  EXPECT_DOUBLE_EQ(run.summary[0].aggregate_mib, 128.0);
  EXPECT_EQ(run.summary[0].api, "POSIX");
  EXPECT_FALSE(run.max_write.has_value());
  EXPECT_FALSE(run.max_read.has_value());
  EXPECT_TRUE(run.removes.empty());
}

TEST(IorTextOutput, VerboseAddsRemoveRowsAndMaxLines) {
  IorRun run = MustParse("posix-nn-np2-t1m-b64m-v.txt");
  ASSERT_EQ(run.removes.size(), 1u);
  EXPECT_DOUBLE_EQ(run.removes[0].total_seconds, 0.003523);
  ExpectMaxLines(run, {11108.21, 11647.80}, {35956.80, 37703.43});
  EXPECT_EQ(run.options.at("verbose"), "1");
}

TEST(IorTextOutput, ThreeRepetitionsGiveRowsPerIterationAndStatistics) {
  IorRun run = MustParse("posix-nn-np2-t1m-b64m-i3.txt");
  EXPECT_EQ(run.summary[1].repetitions, 3);
  // The rows are printed rounded to whole MiB/s at >= 3600.
  ExpectWriteSummaryIsPopulationStatistics(run, 1.0);
}

TEST(IorTextOutput, SegmentsReorderFsyncBarriersVerbose) {
  IorRun run = MustParse("posix-nn-np2-t1m-b16m-s4-C-e-g-v.txt");
  ASSERT_EQ(run.removes.size(), 2u);
  EXPECT_EQ(run.removes[1].iteration, 1);
  EXPECT_DOUBLE_EQ(run.removes[1].total_seconds, 0.036096);
  ExpectMaxLines(run, {1291.73, 1354.48}, {31372.11, 32896.04});
  EXPECT_EQ(run.summary[0].segments, 4);
  EXPECT_EQ(run.summary[0].block_size, 16777216);
}

TEST(IorTextOutput, SmallTransfers) {
  IorRun t100k = MustParse("posix-nn-np2-t100k-b64000k.txt");
  EXPECT_DOUBLE_EQ(t100k.results[0].transfer_kib, 100);
  EXPECT_DOUBLE_EQ(t100k.summary[0].max_ops, 80823.62);
  EXPECT_EQ(t100k.summary[0].transfer_size, 102400);
  EXPECT_EQ(MustParse("posix-nn-np2-t10k-b64000k.txt").summary[1].block_size, 65536000);
}

// ---- JSON -----------------------------------------------------------------

TEST(IorJsonOutput, Baseline) {
  IorRun run = MustParse("posix-nn-np2-t1m-b64m.json");
  EXPECT_EQ(run.format, IorRun::Format::kJson);
  EXPECT_EQ(run.version, "4.1.0+dev");
  EXPECT_THAT(run.command_line, HasSubstr("-O summaryFormat=JSON"));
  EXPECT_EQ(run.options.at("blocksize"), "64 MiB");
  EXPECT_EQ(run.options.at("tasks"), "2");
  EXPECT_EQ(run.summary[0].tasks, 2);
  EXPECT_EQ(run.summary[0].block_size, 67108864);
  EXPECT_DOUBLE_EQ(run.summary[0].aggregate_mib, 128);
  EXPECT_FALSE(run.max_write.has_value());
}

TEST(IorJsonOutput, VerboseHasRemoveAndMax) {
  IorRun run = MustParse("posix-nn-np2-t1m-b64m-v.json");
  ExpectRows(run,
             {{"write", 0, 12803.9807, 12955.3792, 0.0100}, {"read", 0, 32668.3042, 32796.0239, 0.0039}});
  ASSERT_EQ(run.removes.size(), 1u);
  EXPECT_DOUBLE_EQ(run.removes[0].total_seconds, 0.0023);
  ExpectMaxLines(run, {12803.9807, 13425.9469}, {32668.3042, 34255.1998});
}

TEST(IorJsonOutput, RepetitionsNumberedByOrderAndSummaryIsPopulationStddev) {
  ExpectWriteSummaryIsPopulationStatistics(MustParse("posix-nn-np2-t1m-b64m-i3.json"), 1e-3);
}

TEST(IorJsonOutput, SegmentsReorderFsyncBarriers) {
  IorRun run = MustParse("posix-nn-np2-t1m-b16m-s4-C-e-g.json");
  EXPECT_EQ(run.summary[0].segments, 4);
  EXPECT_EQ(run.summary[0].repetitions, 2);
}

TEST(IorJsonOutput, SmallTransfers) {
  EXPECT_EQ(MustParse("posix-nn-np2-t100k-b64000k.json").summary[0].transfer_size, 102400);
}

TEST(IorJsonOutput, InfAsStringAndUnescapedCommandLine) {
  std::string text = Fixture("posix-nn-np2-t1m-b64m.json");
  // IOR prints inf quoted and never escapes strings.
  size_t bw = text.find("\"bwMiB\": 10873.3349");
  ASSERT_NE(bw, std::string::npos);
  text.replace(bw, std::string("\"bwMiB\": 10873.3349").size(), "\"bwMiB\": \"inf\"");
  size_t o = text.find("-o /scratch/fta/ior-run/testfile -O");
  ASSERT_NE(o, std::string::npos);
  text.replace(o, 3, "-o /scratch/\"odd\\dir\"/");
  absl::StatusOr<IorRun> run = ParseIorJson(text);
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_TRUE(std::isinf(run->results[0].bandwidth_mib));
  EXPECT_THAT(run->command_line, HasSubstr("/scratch/\"odd\\dir\"/"));
}

TEST(IorJsonOutput, MissingKeyIsNamed) {
  std::string text = Fixture("posix-nn-np2-t1m-b64m.json");
  size_t key = text.find("\"bwMeanMIB\"");
  ASSERT_NE(key, std::string::npos);
  text.replace(key, 11, "\"renamed\"");
  absl::StatusOr<IorRun> run = ParseIorJson(text);
  EXPECT_EQ(run.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(run.status().message(), HasSubstr("summary[0]: missing \"bwMeanMIB\""));
}

TEST(IorJsonOutput, NumberTooLargeForADoubleIsALineErrorNotACrash) {
  std::string text = Fixture("posix-nn-np2-t1m-b64m.json");
  size_t bw = text.find("10873.3349");
  ASSERT_NE(bw, std::string::npos);
  text.replace(bw, std::string("10873.3349").size(), "710E6600");
  size_t line = 1 + std::count(text.begin(), text.begin() + bw, '\n');
  absl::StatusOr<IorRun> run = ParseIorJson(text);
  EXPECT_EQ(run.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(run.status().message(), HasSubstr(absl::StrCat("line ", line, ": invalid JSON")));
  EXPECT_THAT(run.status().message(), HasSubstr("710E6600"));
}

// ---- Truncated and foreign input ----------------------------------------------

std::string FirstLines(const std::string& text, size_t count) {
  std::vector<std::string> lines = absl::StrSplit(text, '\n');
  lines.resize(count);
  return absl::StrCat(absl::StrJoin(lines, "\n"), "\n");
}

TEST(IorOutputErrors, TruncatedTextNamesTheLastLine) {
  std::string text = Fixture("posix-nn-np2-t1m-b64m-i3.txt");
  absl::StatusOr<IorRun> in_rows = ParseIorOutput(FirstLines(text, 36));
  EXPECT_EQ(in_rows.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(in_rows.status().message(), HasSubstr("line 36: output ends inside the Results table"));

  absl::StatusOr<IorRun> in_summary = ParseIorOutput(FirstLines(text, 44));
  EXPECT_EQ(in_summary.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(in_summary.status().message(), HasSubstr("line 44: output ends inside the Summary table"));
}

TEST(IorOutputErrors, RowCutMidLineNamesThatLine) {
  std::string text = Fixture("posix-nn-np2-t1m-b64m.txt");
  size_t row = text.find("read      35585");
  ASSERT_NE(row, std::string::npos);
  absl::StatusOr<IorRun> run = ParseIorOutput(text.substr(0, row + 25));
  EXPECT_EQ(run.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(run.status().message(), HasSubstr("line 35: Results row has 3 columns, expected 11"));
}

TEST(IorOutputErrors, TruncatedJsonNamesTheLine) {
  std::string text = Fixture("posix-nn-np2-t1m-b64m.json");
  absl::StatusOr<IorRun> run = ParseIorOutput(text.substr(0, text.size() / 2));
  EXPECT_EQ(run.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(run.status().message(), HasSubstr("line "));
  EXPECT_THAT(run.status().message(), HasSubstr("truncated"));
}

TEST(IorOutputErrors, ForeignTextIsRejectedAtLineOne) {
  absl::StatusOr<IorRun> run = ParseIorOutput("hello world\n");
  EXPECT_EQ(run.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(run.status().message(), HasSubstr("line 1: not IOR output"));
  EXPECT_EQ(ParseIorOutput("").status().code(), absl::StatusCode::kInvalidArgument);
}

// ---- IOR's own failures ----------------------------------------------------

struct FailureCase {
  const char* fixture;
  const char* quote;
};

class IorFailureFixtures : public ::testing::TestWithParam<FailureCase> {};

TEST_P(IorFailureFixtures, BecomeAbortedQuotingIor) {
  absl::StatusOr<IorRun> run = ParseIorOutput(Fixture(GetParam().fixture));
  EXPECT_EQ(run.status().code(), absl::StatusCode::kAborted) << run.status();
  EXPECT_THAT(run.status().message(), HasSubstr(GetParam().quote));
}

INSTANTIATE_TEST_SUITE_P(
    AllFailureFixtures, IorFailureFixtures,
    ::testing::Values(
        FailureCase{"fail-bad-api.txt", "ERROR: Unrecognized I/O API, (utilities.c:415)"},
        FailureCase{"fail-bad-directive.txt", "Unrecognized parameter \"notAnOption\""},
        FailureCase{"fail-bad-option.txt", "Error invalid argument: --bogus-option"},
        FailureCase{"fail-bad-summaryformat.txt", "FAILED in DecodeDirective, Unknown summaryFormat"},
        FailureCase{"fail-blocksize-not-multiple-of-xfer.txt",
                    "ERROR: block size must be a multiple of transfer size"},
        FailureCase{"fail-blocksize-smaller-than-xfer.txt",
                    "ERROR: block size must be a multiple of transfer size"},
        FailureCase{"fail-dryrun-posix.txt", "FAILED in TestIoSys, Cannot create file"},
        FailureCase{"fail-nonexistent-dir.txt",
                    "ERROR: open64(\"/scratch/fta/ior-run/no/such/dir/testfile.00000000\", 66, 0664) failed. "
                    "Error: No "
                    "such file or directory"},
        FailureCase{"fail-nonexistent-dir.json", "ERROR: open64(\"/scratch/fta/ior-run/no/such/dir/testfile"},
        FailureCase{"fail-odirect-unaligned-write-assert.txt",
                    "WARNING: write(17, 0x55b09fc21000, 1000) failed Invalid argument"},
        FailureCase{
            "fail-read-missing-file.txt",
            "ERROR: open64(\"/scratch/fta/ior-run/missing/testfile.00000001\", 0) failed: No such file or "
            "directory"}));

TEST(IorFailure, RankDuplicatesQuotedOnce) {
  std::optional<std::string> quote = FindIorFailure(Fixture("fail-blocksize-not-multiple-of-xfer.txt"));
  ASSERT_TRUE(quote.has_value());
  EXPECT_EQ(*quote, "ERROR: block size must be a multiple of transfer size, (ior.c:1520)");
  EXPECT_FALSE(FindIorFailure(Fixture("posix-nn-np2-t1m-b64m-v.txt")).has_value());
}

TEST(IorFailure, ExitStatusQuotesStdoutAndStderr) {
  absl::Status assert_abort = IorExitStatus(134, 0, Fixture("fail-odirect-unaligned-write-assert.txt"),
                                            Fixture("fail-odirect-unaligned-write-assert.stderr.txt"));
  EXPECT_EQ(assert_abort.code(), absl::StatusCode::kAborted);
  EXPECT_THAT(assert_abort.message(), HasSubstr("ior exited with status 134: WARNING: write("));
  EXPECT_THAT(assert_abort.message(), HasSubstr("Assertion `rc >= 0' failed"));

  absl::Status rc1 = IorExitStatus(1, 0, Fixture("fail-bad-summaryformat.txt"), "");
  EXPECT_THAT(rc1.message(), HasSubstr("ior exited with status 1: FAILED in DecodeDirective"));
  absl::Status rc255 = IorExitStatus(255, 0, Fixture("fail-bad-api.txt"), "");
  EXPECT_THAT(rc255.message(), HasSubstr("ior exited with status 255: ERROR: Unrecognized I/O API"));
  absl::Status killed = IorExitStatus(0, 9, "", "");
  EXPECT_EQ(killed.message(), "ior killed by signal 9");
  EXPECT_TRUE(IorExitStatus(0, 0, "", "").ok());
}

}  // namespace
}  // namespace fta::ior
