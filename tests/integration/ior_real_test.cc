// The real IOR (built by scripts/build-ior.sh; ctest label `ior`) in every
// output format that `ftactl results import` takes, parsed as the daemon
// does (lib/jobs/ior_import): this catches a change of IOR's formats that
// the committed fixtures could not. Small sizes, 2 ranks, argv only.
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "lib/core/file_text.h"
#include "lib/core/run_tool.h"
#include "lib/jobs/ior_import.h"

namespace fta::hostd {
namespace {

class RealIorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::access(FTA_IOR_BINARY, X_OK) != 0) {
      GTEST_SKIP() << "no IOR at " FTA_IOR_BINARY " (scripts/build-ior.sh found no source or no OpenMPI: "
                      "see the ior_build test)";
    }
    std::string pattern = (std::filesystem::temp_directory_path() / "ior_real_test.XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  // Runs `mpirun -np 2 ior ARGS -O summaryFile=F` and returns (stdout, F's content).
  std::pair<std::string, std::string> RunIor(const std::vector<std::string>& args, const std::string& summary) {
    std::vector<std::string> argv = {"mpirun", "--allow-run-as-root", "--oversubscribe", "-np", "2", FTA_IOR_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    const std::string summary_path = dir_ + "/" + summary;
    argv.insert(argv.end(), {"-O", "summaryFile=" + summary_path});
    absl::StatusOr<ToolResult> run = RunTool(argv);
    EXPECT_TRUE(run.ok()) << run.status();
    if (!run.ok()) return {};
    EXPECT_EQ(run->exit_code, 0) << absl::StrJoin(argv, " ") << "\n" << run->output;
    return {run->output, ReadFileOrEmpty(summary_path)};
  }
  std::vector<std::string> Pattern(const std::string& iterations) const {
    return {"-a", "POSIX", "-F", "-w", "-r", "-t", "256k", "-b", "4m", "-s", "2", "-i", iterations,
            "-o", dir_ + "/testfile"};
  }
  std::vector<fta::v1::Job> Import(const std::string& content, const std::string& ranks = "") {
    absl::StatusOr<std::vector<fta::v1::Job>> jobs = JobsFromIorOutput({content, "live", ranks, "ranks.csv"}, 0);
    EXPECT_TRUE(jobs.ok()) << jobs.status() << "\n" << content;
    return jobs.ok() ? *jobs : std::vector<fta::v1::Job>{};
  }
  std::string dir_;
};

TEST_F(RealIorTest, ScriptWithTwoTestsIsTwoJobsInTextAndJson) {
  std::ofstream(dir_ + "/two.ior") << "IOR START\n  api=POSIX\n  filePerProc=1\n  testFile=" << dir_
                                   << "/testfile\n  writeFile=1\n  readFile=1\n  transferSize=1m\n"
                                      "  blockSize=4m\nRUN\n  transferSize=256k\n  repetitions=2\nRUN\nIOR STOP\n";
  for (const char* format : {"default", "JSON"}) {
    auto [stdout_text, summary] = RunIor({"-f", dir_ + "/two.ior", "-O", absl::StrCat("summaryFormat=", format)},
                                         absl::StrCat("two.", format));
    std::vector<fta::v1::Job> jobs = Import(summary);
    ASSERT_EQ(jobs.size(), 2u) << format;
    EXPECT_EQ(jobs[0].transfer_size_bytes(), 1048576);
    EXPECT_EQ(jobs[1].transfer_size_bytes(), 262144);
    EXPECT_EQ(jobs[1].aggregates_size(), 4);
    EXPECT_GT(jobs[1].aggregates(3).bandwidth_mib(), 0);
    // stdout only announces the file: refused, naming it.
    absl::StatusOr<std::vector<fta::v1::Job>> announced = JobsFromIorOutput({stdout_text, "stdout"}, 0);
    EXPECT_THAT(announced.status().message(), ::testing::HasSubstr("IOR wrote its summary to " + dir_));
  }
}

TEST_F(RealIorTest, CsvSummaryWithPerRankCsvImports) {
  std::vector<std::string> args = Pattern("2");
  args.insert(args.end(), {"-O", "summaryFormat=CSV", "-O", "saveRankPerformanceDetailsCSV=" + dir_ + "/ranks.csv"});
  auto [stdout_text, summary] = RunIor(args, "summary.csv");
  std::vector<fta::v1::Job> jobs = Import(summary, ReadFileOrEmpty(dir_ + "/ranks.csv"));
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].aggregates_size(), 4);
  EXPECT_EQ(jobs[0].aggregates(0).bytes(), 2 * 2 * 4 * 1048576LL);  // ranks x segments x block: -s inferred
  EXPECT_EQ(jobs[0].rank_results_size(), 2 * 2 * 2);                // ranks x phases x iterations
}

TEST_F(RealIorTest, WearOutJsonImports) {
  std::vector<std::string> args = {"-a", "POSIX", "-F", "-w", "-t", "1m", "-b", "64m", "-D", "1", "-O",
                                   "stoneWallingWearOut=1", "-O", "summaryFormat=JSON", "-o", dir_ + "/testfile"};
  auto [stdout_text, summary] = RunIor(args, "wear.json");
  std::vector<fta::v1::Job> jobs = Import(summary);
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].aggregates_size(), 1);
  EXPECT_EQ(jobs[0].aggregates(0).bytes(), 2 * 64 * 1048576LL);
}

}  // namespace
}  // namespace fta::hostd
