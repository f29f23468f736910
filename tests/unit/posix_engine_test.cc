// PosixEngine basics: the data pattern, file names and modes, -E, -C reads,
// errors that name the path, cancel, timestamps from the clock, remove.
#include "lib/ior/posix_engine.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lib/core/clock.h"
#include "tests/unit/fakes/status_matchers.h"
#include "tests/unit/posix_engine_fixture.h"

namespace fta::ior {
namespace {

using ::testing::_;
using ::testing::AllOf;
using ::testing::HasSubstr;
using testing::FakeClock;
using testing::StatusIs;

TEST_F(PosixEngineTest, ReadBackMatchesPatternAtEveryOffset) {
  for (int rank : {0, 1, 5}) {
    PosixEngine engine = Engine(rank, 6);
    absl::StatusOr<PhaseMeasurement> written = engine.Write(nullptr, nullptr);
    ASSERT_TRUE(written.ok()) << written.status();
    ExpectFileMatchesPattern(rank);
  }
}

TEST_F(PosixEngineTest, PatternHoldsForTransfersNotAlignedToPages) {
  params_.transfer_size = 10 << 10;  // 10k: page stamps fall mid-page in the file
  params_.block_size = 40 << 10;
  params_.segments = 2;
  PosixEngine engine = Engine(2, 4);
  ASSERT_TRUE(engine.Write(nullptr, nullptr).ok());
  ExpectFileMatchesPattern(2);
}

TEST_F(PosixEngineTest, PatternHoldsAcrossRepeatedWritesAndReads) {
  PosixEngine engine = Engine(1, 2);
  ASSERT_TRUE(engine.Write(nullptr, nullptr).ok());
  ASSERT_TRUE(engine.Read(nullptr, nullptr).ok());  // reuses the buffer
  ASSERT_TRUE(engine.Write(nullptr, nullptr).ok());
  ExpectFileMatchesPattern(1);
}

TEST(PatternWord, StampsEncodeRankAndOffsetOnPageStarts) {
  EXPECT_EQ(PosixEngine::PatternWord(3, kSignature, 8192, 0), (uint64_t{3} << 50) | 0);
  EXPECT_EQ(PosixEngine::PatternWord(3, kSignature, 8192, 4096), (uint64_t{3} << 50) | 4096);
  EXPECT_EQ(PosixEngine::PatternWord(3, kSignature, 8192, 8192 * 7 + 4096),
            (uint64_t{3} << 50) | (8192 * 7 + 4096));
}

TEST(PatternWord, OtherWordsAreRankAndSignaturePlusWordIndex) {
  // Word 1 of any transfer.
  EXPECT_EQ(PosixEngine::PatternWord(3, kSignature, 8192, 8),
            (uint64_t{3} << 32) | static_cast<uint32_t>(kSignature + 1));
  EXPECT_EQ(PosixEngine::PatternWord(3, kSignature, 8192, 8192 * 5 + 8),
            (uint64_t{3} << 32) | static_cast<uint32_t>(kSignature + 1));
  EXPECT_NE(PosixEngine::PatternWord(3, kSignature, 8192, 8),
            PosixEngine::PatternWord(4, kSignature, 8192, 8));
}

TEST_F(PosixEngineTest, WriteReportsBytesOpsAndSegmentsTimesBlockFileSize) {
  LiveCounters counters;
  PosixEngine engine = Engine(0, 1);
  absl::StatusOr<PhaseMeasurement> written = engine.Write(&counters, nullptr);
  ASSERT_TRUE(written.ok()) << written.status();
  EXPECT_EQ(written->bytes, 3u * 32768);
  EXPECT_EQ(written->ops, 3u * 4);
  EXPECT_EQ(counters.bytes.load(), 3u * 32768);
  EXPECT_EQ(counters.ops.load(), 12u);
  EXPECT_EQ(std::filesystem::file_size(dir_ + "/testfile.00000000"), 3u * 32768);
}

TEST_F(PosixEngineTest, FilesAreNamedTestfileDotEightDigitRank) {
  PosixEngine engine = Engine(7, 12);
  ASSERT_TRUE(engine.Write(nullptr, nullptr).ok());
  EXPECT_EQ(engine.WritePath(), dir_ + "/testfile.00000007");
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/testfile.00000007"));
}

TEST_F(PosixEngineTest, CreatesFileWithMode0664BeforeUmask) {
  mode_t old = ::umask(0);
  PosixEngine engine = Engine(0, 1);
  absl::StatusOr<PhaseMeasurement> written = engine.Write(nullptr, nullptr);
  ::umask(old);
  ASSERT_TRUE(written.ok());
  struct stat st;
  ASSERT_EQ(::stat(engine.WritePath().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0664u);
}

TEST_F(PosixEngineTest, UseExistingOverwritesInPlaceWithoutTruncating) {
  params_.use_existing = true;
  const std::string path = RankFilePath(params_, 0);
  const uint64_t longer = BytesPerRank(params_) + 4096;
  WriteFile(path, longer, 'x');
  struct stat before;
  ASSERT_EQ(::stat(path.c_str(), &before), 0);

  PosixEngine engine = Engine(0, 1);
  ASSERT_TRUE(engine.Write(nullptr, nullptr).ok());

  struct stat after;
  ASSERT_EQ(::stat(path.c_str(), &after), 0);
  EXPECT_EQ(after.st_ino, before.st_ino) << "-E must not unlink";
  EXPECT_EQ(static_cast<uint64_t>(after.st_size), longer) << "-E must not truncate";
  std::vector<uint64_t> words = ReadWords(path);
  EXPECT_EQ(words[1], PosixEngine::PatternWord(0, kSignature, params_.transfer_size, 8));
  uint64_t tail;
  std::memset(&tail, 'x', sizeof(tail));
  EXPECT_EQ(words.back(), tail);
}

TEST_F(PosixEngineTest, WithoutUseExistingUnlinksTheOldFileFirst) {
  const std::string path = RankFilePath(params_, 0);
  WriteFile(path, BytesPerRank(params_) + 4096, 'x');
  struct stat before;
  ASSERT_EQ(::stat(path.c_str(), &before), 0);
  // Keep the old inode alive so the file system cannot hand out its number
  // again to the new file.
  int old_fd = ::open(path.c_str(), O_RDONLY);
  ASSERT_GE(old_fd, 0);

  PosixEngine engine = Engine(0, 1);
  ASSERT_TRUE(engine.Write(nullptr, nullptr).ok());

  struct stat after;
  ASSERT_EQ(::stat(path.c_str(), &after), 0);
  ::close(old_fd);
  EXPECT_NE(after.st_ino, before.st_ino);
  EXPECT_EQ(static_cast<uint64_t>(after.st_size), BytesPerRank(params_));
}

TEST_F(PosixEngineTest, ReadWithReorderReadsTheShiftedRanksFile) {
  params_.reorder_tasks = true;
  params_.task_offset = 1;
  // Only rank 2's file exists: rank 1 must read it with -C -Q 1.
  ASSERT_TRUE(Engine(2, 3).Write(nullptr, nullptr).ok());

  PosixEngine reader = Engine(1, 3);
  EXPECT_EQ(reader.ReadTargetRank(), 2);
  EXPECT_EQ(reader.ReadPath(), dir_ + "/testfile.00000002");
  LiveCounters counters;
  absl::StatusOr<PhaseMeasurement> read = reader.Read(&counters, nullptr);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->bytes, BytesPerRank(params_));
  EXPECT_EQ(read->ops, TransfersPerRank(params_));
  EXPECT_EQ(counters.bytes.load(), BytesPerRank(params_));

  // Its own file was never written, so without -C the read fails.
  params_.reorder_tasks = false;
  EXPECT_FALSE(Engine(1, 3).Read(nullptr, nullptr).ok());
}

TEST(ReadTargetRank, ShiftsByTaskOffsetModuloRanksOnlyWithReorder) {
  FakeClock clock(absl::Microseconds(1));
  IorParams params;
  params.directory = "/tmp";
  EXPECT_EQ(PosixEngine(params, 3, 4, 0, &clock).ReadTargetRank(), 3);
  params.reorder_tasks = true;
  EXPECT_EQ(PosixEngine(params, 3, 4, 0, &clock).ReadTargetRank(), 0);
  params.task_offset = 2;
  EXPECT_EQ(PosixEngine(params, 1, 4, 0, &clock).ReadTargetRank(), 3);
  params.task_offset = 4;  // a full turn: reads its own file
  EXPECT_EQ(PosixEngine(params, 1, 4, 0, &clock).ReadTargetRank(), 1);
}

TEST(ReadTargetRank, ShiftIsInNodesOfTasksPerNodeRanks) {
  FakeClock clock(absl::Microseconds(1));
  IorParams params;
  params.directory = "/tmp";
  params.reorder_tasks = true;
  params.task_offset = 1;
  // 3 agents with 2 ranks each (0 1 | 2 3 | 4 5): one node over.
  params.tasks_per_node = 2;
  EXPECT_EQ(PosixEngine(params, 0, 6, 0, &clock).ReadTargetRank(), 2);
  EXPECT_EQ(PosixEngine(params, 5, 6, 0, &clock).ReadTargetRank(), 1);
  params.task_offset = 2;
  EXPECT_EQ(PosixEngine(params, 1, 6, 0, &clock).ReadTargetRank(), 5);
  // The native baseline: one node holds all 4 ranks, so -C changes nothing
  // (IOR's "no effect on a single node").
  params.task_offset = 1;
  params.tasks_per_node = 4;
  for (int rank = 0; rank < 4; ++rank) EXPECT_EQ(PosixEngine(params, rank, 4, 0, &clock).ReadTargetRank(), rank);
}

TEST_F(PosixEngineTest, ReadOfMissingFileNamesThePath) {
  EXPECT_THAT(Engine(3, 4).Read(nullptr, nullptr),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("open " + dir_ + "/testfile.00000003: No such file or directory")));
}

TEST_F(PosixEngineTest, ReadOfShortFileFailsNamingFileAndOffset) {
  const std::string path = RankFilePath(params_, 0);
  WriteFile(path, 40000, 'x');  // 4 full transfers of 8192 plus a partial one
  EXPECT_THAT(Engine(0, 1).Read(nullptr, nullptr),
              StatusIs(absl::StatusCode::kOutOfRange, AllOf(HasSubstr(path), HasSubstr("offset 40000"))));
}

TEST_F(PosixEngineTest, WriteIntoUnwritableDirectoryNamesPathAndReason) {
  if (::geteuid() == 0) GTEST_SKIP() << "root ignores directory permissions";
  std::filesystem::permissions(
      dir_, std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
  EXPECT_THAT(Engine(3, 4).Write(nullptr, nullptr),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       HasSubstr("open " + dir_ + "/testfile.00000003: Permission denied")));
}

TEST_F(PosixEngineTest, WriteIntoMissingDirectoryNamesPathAndReason) {
  params_.directory = dir_ + "/missing";
  EXPECT_THAT(Engine(3, 4).Write(nullptr, nullptr),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("directory (-d): open directory " + dir_ +
                                                              "/missing: No such file or directory")));
}

TEST_F(PosixEngineTest, CancelledWriteStopsAfterTheCurrentTransfer) {
  std::atomic<bool> cancel{true};
  LiveCounters counters;
  EXPECT_THAT(Engine(0, 1).Write(&counters, &cancel), StatusIs(absl::StatusCode::kCancelled, _));
  EXPECT_EQ(counters.ops.load(), 1u);
}

TEST_F(PosixEngineTest, CancelledReadReturnsCancelled) {
  PosixEngine engine = Engine(0, 1);
  ASSERT_TRUE(engine.Write(nullptr, nullptr).ok());
  std::atomic<bool> cancel{true};
  EXPECT_THAT(engine.Read(nullptr, &cancel), StatusIs(absl::StatusCode::kCancelled, _));
}

void ExpectOrdered(const PhaseMeasurement& m) {
  EXPECT_LT(m.open_start_ns, m.open_end_ns);
  EXPECT_LE(m.open_end_ns, m.xfer_start_ns);
  EXPECT_LT(m.xfer_start_ns, m.xfer_end_ns);
  EXPECT_LE(m.xfer_end_ns, m.close_start_ns);
  EXPECT_LT(m.close_start_ns, m.close_end_ns);
}

TEST_F(PosixEngineTest, TimestampsComeFromTheClockInOrder) {
  params_.fsync = true;
  PosixEngine engine = Engine(0, 1);
  absl::StatusOr<PhaseMeasurement> written = engine.Write(nullptr, nullptr);
  ASSERT_TRUE(written.ok());
  ExpectOrdered(*written);
  EXPECT_GT(written->open_start_ns, 1'700'000'000'000'000'000);
  absl::StatusOr<PhaseMeasurement> read = engine.Read(nullptr, nullptr);
  ASSERT_TRUE(read.ok());
  ExpectOrdered(*read);
  EXPECT_GT(read->open_start_ns, written->close_end_ns);
}

TEST_F(PosixEngineTest, RemoveUnlinksOwnFileAndToleratesMissingFile) {
  PosixEngine engine = Engine(0, 1);
  ASSERT_TRUE(engine.Write(nullptr, nullptr).ok());
  ASSERT_TRUE(engine.Remove().ok());
  EXPECT_FALSE(std::filesystem::exists(engine.WritePath()));
  EXPECT_TRUE(engine.Remove().ok());
}

TEST_F(PosixEngineTest, RejectsInvalidParametersAndRanks) {
  params_.transfer_size = 100;
  EXPECT_EQ(Engine(0, 1).Write(nullptr, nullptr).status().code(),
            absl::StatusCode::kInvalidArgument);
  params_.transfer_size = 8192;
  EXPECT_EQ(Engine(2, 2).Write(nullptr, nullptr).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Engine(-1, 2).Read(nullptr, nullptr).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace fta::ior
