// The agent's ior helpers (lib/agent/ior_runner.h): the version probe, run
// against the ior test double (tests/support/ior_double.cc), and the
// process I/O counters the live progress reads.
#include "lib/agent/ior_runner.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/fakes/temp_dir.h"

namespace fta::agent {
namespace {

using ::testing::HasSubstr;

const std::string kFixtures = std::string(FTA_TEST_DATA_DIR) + "/ior/";

class IorRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    unsetenv("FTA_IOR_DOUBLE_REPLAY");
    unsetenv("FTA_IOR_DOUBLE_REPLAY_STDERR");
    unsetenv("FTA_IOR_DOUBLE_RC");
    setenv("FTA_IOR_DOUBLE_BW_MIB", "1234.5", 1);
  }
  void TearDown() override {
    unsetenv("FTA_IOR_DOUBLE_REPLAY");
    unsetenv("FTA_IOR_DOUBLE_REPLAY_STDERR");
    unsetenv("FTA_IOR_DOUBLE_RC");
    unsetenv("FTA_IOR_DOUBLE_BW_MIB");
  }
  fta::testing::TempDir temp_{"ior-runner-test"};
  std::string dir_ = temp_.path();
};

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
