// Job files never land in system directories and are never reached through
// symbolic links (lib/ior/safe_dir.h), whatever directory (-d) and -E say.
// Labels: unit, security.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lib/core/file_text.h"
#include "lib/ior/ior_spec.h"
#include "lib/ior/safe_dir.h"
#include "tests/unit/posix_engine_fixture.h"

namespace fta::ior {
namespace {

using ::testing::HasSubstr;

TEST(SystemDirectoryTest, SystemDirectoriesAreRefusedNamingTheField) {
  for (const char* path : {"/", "/etc", "/etc/ssh", "/usr", "/usr/lib/x86_64-linux-gnu", "/boot", "/proc",
                           "/proc/self", "/sys", "/dev", "/dev/shm/../", "/var/lib", "/root", "//etc/./"}) {
    absl::Status status = CheckNotSystemDirectory("directory (-d)", path);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << path;
    EXPECT_THAT(status.message(), HasSubstr("directory (-d)")) << path;
  }
  EXPECT_THAT(CheckNotSystemDirectory("directory (-d)", "/etc").message(), HasSubstr("system directory"));
  EXPECT_THAT(CheckNotSystemDirectory("directory (-d)", "/tmp/x/../../etc").message(), HasSubstr("\"..\""));
}

TEST(SystemDirectoryTest, OrdinaryDirectoriesPass) {
  testing::TempDir temp("safe_dir_test");
  EXPECT_TRUE(CheckNotSystemDirectory("directory (-d)", temp.path()).ok());
  EXPECT_TRUE(CheckNotSystemDirectory("directory (-d)", "/scratch/ior").ok()) << "a guest's path, not here";
  EXPECT_TRUE(CheckNotSystemDirectory("directory (-d)", "/var/lib/fta-data").ok());
  EXPECT_TRUE(CheckNotSystemDirectory("directory (-d)", "/home/alice/ior").ok());
}

TEST(SystemDirectoryTest, SymbolicLinksResolvingToSystemDirectoriesAreRefused) {
  testing::TempDir temp("safe_dir_test");
  const std::string to_root = temp.path() + "/root-link";
  const std::string to_etc = temp.path() + "/etc-link";
  ASSERT_EQ(symlink("/", to_root.c_str()), 0);
  ASSERT_EQ(symlink("/etc", to_etc.c_str()), 0);
  for (const std::string& path : {to_root, to_etc, to_root + "/usr"}) {
    absl::Status status = CheckNotSystemDirectory("directory (-d)", path);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << path;
    EXPECT_THAT(status.message(), HasSubstr("resolves to")) << path;
  }
}

TEST(SystemDirectoryTest, TheJobDirectoryCheckRefusesSystemDirectoriesAndLinks) {
  testing::TempDir temp("safe_dir_test");
  const std::string real = temp.path() + "/real";
  const std::string link = temp.path() + "/link";
  std::filesystem::create_directory(real);
  ASSERT_EQ(symlink(real.c_str(), link.c_str()), 0);
  EXPECT_TRUE(CheckDirectoryWritable("directory (-d)", real).ok());
  absl::Status linked = CheckDirectoryWritable("directory (-d)", link);
  EXPECT_EQ(linked.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(linked.message(), HasSubstr("symbolic link"));
  absl::Status etc = CheckDirectoryWritable("directory (-d)", "/etc");
  EXPECT_EQ(etc.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(etc.message(), HasSubstr("directory (-d): /etc is a system directory"));
  EXPECT_EQ(CheckDirectoryAbsolute("directory (-d)", "/boot").code(), absl::StatusCode::kInvalidArgument);
}

class SafeFileAccessTest : public PosixEngineTest {
 protected:
  void SetUp() override {
    PosixEngineTest::SetUp();
    outside_ = outside_dir_.path() + "/victim";
    WriteFile(outside_, 100, 'v');
  }
  testing::TempDir outside_dir_{"safe_dir_outside"};
  std::string outside_;
};

TEST_F(SafeFileAccessTest, UseExistingThroughAPlantedLinkIsRefused) {
  params_.use_existing = true;
  ASSERT_EQ(symlink(outside_.c_str(), RankFilePath(params_, 0).c_str()), 0);
  absl::StatusOr<PhaseMeasurement> written = Engine(0, 1).Write(nullptr, nullptr);
  ASSERT_FALSE(written.ok());
  EXPECT_EQ(written.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(written.status().message(), HasSubstr("symbolic link"));
  EXPECT_EQ(ReadFileOrEmpty(outside_), std::string(100, 'v')) << "the link's target is untouched";
}

TEST_F(SafeFileAccessTest, UseExistingOnAHardLinkIsRefused) {
  params_.use_existing = true;
  if (link(outside_.c_str(), RankFilePath(params_, 0).c_str()) != 0) GTEST_SKIP() << "no hard links across dirs";
  absl::StatusOr<PhaseMeasurement> written = Engine(0, 1).Write(nullptr, nullptr);
  ASSERT_FALSE(written.ok());
  EXPECT_THAT(written.status().message(), HasSubstr("hard links"));
  EXPECT_EQ(ReadFileOrEmpty(outside_), std::string(100, 'v'));
}

TEST_F(SafeFileAccessTest, WithoutUseExistingAPlantedLinkIsReplacedNotFollowed) {
  ASSERT_EQ(symlink(outside_.c_str(), RankFilePath(params_, 0).c_str()), 0);
  ASSERT_TRUE(Engine(0, 1).Write(nullptr, nullptr).ok());
  struct stat info;
  ASSERT_EQ(lstat(RankFilePath(params_, 0).c_str(), &info), 0);
  EXPECT_TRUE(S_ISREG(info.st_mode));
  EXPECT_EQ(ReadFileOrEmpty(outside_), std::string(100, 'v'));
}

TEST_F(SafeFileAccessTest, ReadingThroughAPlantedLinkIsRefused) {
  params_.write = false;
  ASSERT_EQ(symlink(outside_.c_str(), RankFilePath(params_, 0).c_str()), 0);
  absl::StatusOr<PhaseMeasurement> read = Engine(0, 1).Read(nullptr, nullptr);
  ASSERT_FALSE(read.ok());
  EXPECT_THAT(read.status().message(), HasSubstr("symbolic link"));
}

TEST_F(SafeFileAccessTest, ADirectoryThatIsALinkIsRefused) {
  const std::string link = outside_dir_.path() + "/dir-link";
  ASSERT_EQ(symlink(dir_.c_str(), link.c_str()), 0);
  params_.directory = link;
  absl::StatusOr<PhaseMeasurement> written = Engine(0, 1).Write(nullptr, nullptr);
  ASSERT_FALSE(written.ok());
  EXPECT_EQ(written.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(written.status().message(), HasSubstr("directory (-d)"));
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/testfile.00000000"));
}

TEST_F(SafeFileAccessTest, AUniqueDirectoryThatIsALinkIsRefused) {
  params_.unique_dir = true;
  ASSERT_EQ(symlink(outside_dir_.path().c_str(), (dir_ + "/0").c_str()), 0);
  absl::StatusOr<PhaseMeasurement> written = Engine(0, 1).Write(nullptr, nullptr);
  ASSERT_FALSE(written.ok());
  EXPECT_FALSE(std::filesystem::exists(outside_dir_.path() + "/testfile.00000000"));
}

TEST_F(SafeFileAccessTest, TheEngineRefusesASystemDirectory) {
  params_.directory = "/etc";
  absl::StatusOr<PhaseMeasurement> written = Engine(0, 1).Write(nullptr, nullptr);
  ASSERT_FALSE(written.ok());
  EXPECT_EQ(written.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(std::filesystem::exists("/etc/testfile.00000000"));
}

TEST_F(SafeFileAccessTest, RemoveDoesNotFollowALinkedDirectory) {
  params_.unique_dir = true;
  const std::string victim = outside_dir_.path() + "/testfile.00000000";
  WriteFile(victim, 10, 'x');
  ASSERT_EQ(symlink(outside_dir_.path().c_str(), (dir_ + "/0").c_str()), 0);
  EXPECT_FALSE(Engine(0, 1).Remove().ok());
  EXPECT_TRUE(std::filesystem::exists(victim));
}

}  // namespace
}  // namespace fta::ior
