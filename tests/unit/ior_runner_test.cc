// The agent's real-ior engine (lib/agent/ior_runner.h), run against the
// ior test double (tests/support/ior_double.cc): real processes, real files.
#include "lib/agent/ior_runner.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace fta::agent {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const std::string kFixtures = std::string(FTA_TEST_DATA_DIR) + "/ior/";

class IorRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/ior-runner-test-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    params_.transfer_size = 64 * 1024;
    params_.block_size = 256 * 1024;
    params_.segments = 2;
    params_.directory = dir_;
    params_.file_name = "testfile";
    unsetenv("FTA_IOR_DOUBLE_REPLAY");
    unsetenv("FTA_IOR_DOUBLE_REPLAY_STDERR");
    unsetenv("FTA_IOR_DOUBLE_RC");
    setenv("FTA_IOR_DOUBLE_BW_MIB", "1234.5", 1);
  }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
    unsetenv("FTA_IOR_DOUBLE_REPLAY");
    unsetenv("FTA_IOR_DOUBLE_REPLAY_STDERR");
    unsetenv("FTA_IOR_DOUBLE_RC");
    unsetenv("FTA_IOR_DOUBLE_BW_MIB");
  }
  std::unique_ptr<RankEngine> Engine(int rank, int total) {
    return MakeIorEngineFactory(&clock_, FTA_IOR_DOUBLE)(params_, rank, total, 0);
  }

  RealClock clock_;
  std::string dir_;
  ior::IorParams params_;
};

TEST_F(IorRunnerTest, WriteArgvIsBuiltFromTheSpec) {
  params_.fsync = true;
  std::vector<std::string> args = IorPhaseArgs(params_, 3, 4, fta::v1::PHASE_WRITE, "/s/summary.json");
  EXPECT_THAT(args, ElementsAre("-a", "POSIX", "-F", "-w", "-t", "65536", "-b", "262144", "-s", "2", "-i", "1", "-k",
                                "-e", "-o", dir_ + "/testfile.00000003", "-O",
                                "summaryFormat=JSON,summaryFile=/s/summary.json"));
}

TEST_F(IorRunnerTest, ReorderedReadUsesTheShiftedRanksFile) {
  params_.reorder_tasks = true;
  params_.task_offset = 1;
  std::vector<std::string> args = IorPhaseArgs(params_, 3, 4, fta::v1::PHASE_READ, "/s/summary.json");
  EXPECT_THAT(args, ::testing::Contains("-E"));
  EXPECT_THAT(args, ::testing::Contains(dir_ + "/testfile.00000000"));  // (3 + 1) % 4
  EXPECT_THAT(args, ::testing::Not(::testing::Contains("-e")));
  // Two ranks per agent: the reader moves one agent (two ranks) over.
  params_.tasks_per_node = 2;
  args = IorPhaseArgs(params_, 3, 4, fta::v1::PHASE_READ, "/s/summary.json");
  EXPECT_THAT(args, ::testing::Contains(dir_ + "/testfile.00000001"));  // (3 + 1 x 2) % 4
}

TEST(ProcessIoTest, CountsWhatThisProcessWrote) {
  absl::StatusOr<ProcessIo> before = ReadProcessIo(getpid());
  ASSERT_TRUE(before.ok()) << before.status();
  std::string path = ::testing::TempDir() + "/process-io-" + std::to_string(getpid());
  {
    std::ofstream out(path);
    out << std::string(1 << 20, 'x');
  }
  absl::StatusOr<ProcessIo> after = ReadProcessIo(getpid());
  ASSERT_TRUE(after.ok());
  EXPECT_GE(after->written_bytes - before->written_bytes, 1 << 20);
  std::filesystem::remove(path);
  EXPECT_EQ(ReadProcessIo(-1).status().code(), absl::StatusCode::kNotFound);
}

TEST(RunIorProcessTest, ReportsTheProcesssIoUpToItsFinalCount) {
  std::string dir = ::testing::TempDir() + "/run-io-" + std::to_string(getpid());
  std::filesystem::create_directories(dir);
  RealClock clock;
  int64_t last_written = -1;
  int calls = 0;
  // `exec` so the measured process is the one writing.
  absl::StatusOr<IorProcessResult> result = RunIorProcess(
      "/bin/sh", {"-c", "exec head -c 2097152 /dev/zero > " + dir + "/data"}, dir, clock, nullptr,
      [&](const ProcessIo& io) {
        EXPECT_GE(io.written_bytes, last_written);  // never goes back
        last_written = io.written_bytes;
        ++calls;
      });
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->exit_code, 0);
  EXPECT_GE(calls, 1);
  EXPECT_GE(last_written, 2 << 20);  // the final count, read before reaping
  std::filesystem::remove_all(dir);
}

TEST_F(IorRunnerTest, WriteReadRemoveMoveRealBytesAndReportAgentTimestamps) {
  std::unique_ptr<RankEngine> engine = Engine(1, 2);
  ior::LiveCounters counters;
  std::atomic<bool> cancel{false};
  int64_t before = clock_.NowUnixNanos();
  absl::StatusOr<ior::PhaseMeasurement> written = engine->Write(&counters, &cancel);
  int64_t after = clock_.NowUnixNanos();
  ASSERT_TRUE(written.ok()) << written.status();
  EXPECT_EQ(written->bytes, 512u * 1024);
  EXPECT_EQ(written->ops, 8u);
  EXPECT_EQ(counters.bytes.load(), 512u * 1024);
  EXPECT_GE(written->open_start_ns, before);
  EXPECT_LE(written->open_start_ns, written->open_end_ns);
  EXPECT_LE(written->open_end_ns, written->xfer_start_ns);
  EXPECT_LE(written->xfer_start_ns, written->xfer_end_ns);
  EXPECT_LE(written->xfer_end_ns, written->close_start_ns);
  EXPECT_LE(written->close_start_ns, written->close_end_ns);
  EXPECT_LE(written->close_end_ns, after);
  EXPECT_EQ(engine->timestamp_source(), "agent-wallclock");
  EXPECT_DOUBLE_EQ(engine->reported_bandwidth_mib(), 1234.5);
  const std::string file = IorRankFile(params_, 1);
  EXPECT_EQ(file, dir_ + "/testfile.00000001.00000000");
  struct stat info;
  ASSERT_EQ(stat(file.c_str(), &info), 0);
  EXPECT_EQ(info.st_size, 512 * 1024);

  absl::StatusOr<ior::PhaseMeasurement> read = engine->Read(&counters, &cancel);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->bytes, 512u * 1024);

  ASSERT_TRUE(engine->Remove().ok());
  EXPECT_NE(stat(file.c_str(), &info), 0);
}

TEST_F(IorRunnerTest, ReadOfAMissingFileQuotesIor) {
  std::unique_ptr<RankEngine> engine = Engine(0, 1);
  ior::LiveCounters counters;
  std::atomic<bool> cancel{false};
  absl::StatusOr<ior::PhaseMeasurement> read = engine->Read(&counters, &cancel);
  EXPECT_EQ(read.status().code(), absl::StatusCode::kAborted);
  EXPECT_THAT(read.status().message(), HasSubstr("ior exited with status 255: ERROR: open64(\"" + dir_ +
                                                 "/testfile.00000000.00000000\", 0) failed: No such file"));
}

TEST_F(IorRunnerTest, AssertAbortAfterFailedWriteQuotesBothStreams) {
  setenv("FTA_IOR_DOUBLE_REPLAY", (kFixtures + "fail-odirect-unaligned-write-assert.txt").c_str(), 1);
  setenv("FTA_IOR_DOUBLE_REPLAY_STDERR", (kFixtures + "fail-odirect-unaligned-write-assert.stderr.txt").c_str(), 1);
  setenv("FTA_IOR_DOUBLE_RC", "134", 1);
  std::unique_ptr<RankEngine> engine = Engine(0, 1);
  ior::LiveCounters counters;
  std::atomic<bool> cancel{false};
  absl::StatusOr<ior::PhaseMeasurement> written = engine->Write(&counters, &cancel);
  EXPECT_EQ(written.status().code(), absl::StatusCode::kAborted);
  EXPECT_THAT(written.status().message(), HasSubstr("ior exited with status 134: WARNING: write(17, "));
  EXPECT_THAT(written.status().message(), HasSubstr("Assertion `rc >= 0' failed"));
}

TEST_F(IorRunnerTest, ValidationErrorWithStatus1QuotesIor) {
  setenv("FTA_IOR_DOUBLE_REPLAY", (kFixtures + "fail-bad-summaryformat.txt").c_str(), 1);
  setenv("FTA_IOR_DOUBLE_RC", "1", 1);
  absl::StatusOr<ior::PhaseMeasurement> written = Engine(0, 1)->Write(nullptr, nullptr);
  EXPECT_THAT(written.status().message(),
              HasSubstr("ior exited with status 1: FAILED in DecodeDirective, Unknown summaryFormat"));
}

TEST_F(IorRunnerTest, TextOutputOnStdoutIsTheFallbackWithoutSummaryFile) {
  // An ior that ignores summaryFile and prints its text report.
  setenv("FTA_IOR_DOUBLE_REPLAY", (kFixtures + "posix-nn-np2-t1m-b64m-v.txt").c_str(), 1);
  setenv("FTA_IOR_DOUBLE_RC", "0", 1);
  std::unique_ptr<RankEngine> engine = Engine(0, 1);
  ior::LiveCounters counters;
  absl::StatusOr<ior::PhaseMeasurement> read = engine->Read(&counters, nullptr);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_DOUBLE_EQ(engine->reported_bandwidth_mib(), 35957);
  EXPECT_EQ(read->bytes, 512u * 1024);
}

TEST_F(IorRunnerTest, VersionComesFromAProbeRun) {
  absl::StatusOr<std::string> version = ProbeIorVersion(FTA_IOR_DOUBLE);
  ASSERT_TRUE(version.ok()) << version.status();
  EXPECT_EQ(*version, "4.1.0+dev");
}

TEST_F(IorRunnerTest, ProbeOfABrokenIorFails) {
  setenv("FTA_IOR_DOUBLE_REPLAY", (kFixtures + "fail-bad-api.txt").c_str(), 1);
  setenv("FTA_IOR_DOUBLE_RC", "255", 1);
  absl::StatusOr<std::string> version = ProbeIorVersion(FTA_IOR_DOUBLE);
  EXPECT_THAT(version.status().message(), HasSubstr("ERROR: Unrecognized I/O API"));
}

TEST_F(IorRunnerTest, MissingBinaryIsAClearError) {
  absl::StatusOr<std::string> version = ProbeIorVersion(dir_ + "/no-such-ior");
  EXPECT_EQ(version.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(version.status().message(), HasSubstr("cannot run"));
}

}  // namespace
}  // namespace fta::agent
