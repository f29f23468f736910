// IOR options beyond the basics: -z, -s layout, -C across agents, -D with and
// without wear-out, -g, -u, O_DIRECT, -Y.
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
#include "tests/unit/posix_engine_fixture.h"

namespace fta::ior {
namespace {

using ::testing::HasSubstr;
using testing::FakeClock;

// Stands in for the other ranks of the job: records the sync points in order
// with the clock reading at each, and answers the wear-out count.
class RecordingSync final : public PhaseSync {
 public:
  RecordingSync(const Clock* clock, uint64_t global_max) : clock_(clock), global_max_(global_max) {}
  absl::Status Barrier(SyncPoint point) override {
    events.push_back(point == SyncPoint::kAfterOpen ? "after-open" : "after-transfers");
    times.push_back(clock_->NowUnixNanos());
    return absl::OkStatus();
  }
  absl::StatusOr<uint64_t> AgreeTransferCount(uint64_t transfers_done) override {
    events.push_back(absl::StrCat("agree ", transfers_done));
    reported = transfers_done;
    return std::max(global_max_, transfers_done);
  }
  std::vector<std::string> events;
  std::vector<int64_t> times;
  uint64_t reported = 0;

 private:
  const Clock* clock_;
  const uint64_t global_max_;
};

class EngineOptionsTest : public PosixEngineTest {
 protected:
  PosixEngine EngineWithClock(int rank, int total_ranks, const Clock* clock) const {
    return PosixEngine(params_, rank, total_ranks, kSignature, clock);
  }
  // Words at [offset, offset + transfer) of `words` equal the pattern.
  bool TransferHasPattern(const std::vector<uint64_t>& words, int rank, uint64_t offset) const {
    for (uint64_t p = offset; p < offset + params_.transfer_size; p += 8) {
      if (words[p / 8] != PosixEngine::PatternWord(rank, kSignature, params_.transfer_size, p)) return false;
    }
    return true;
  }
  bool TransferIsZero(const std::vector<uint64_t>& words, uint64_t offset) const {
    for (uint64_t p = offset; p < offset + params_.transfer_size; p += 8) {
      if (p / 8 < words.size() && words[p / 8] != 0) return false;
    }
    return true;
  }
};

TEST_F(EngineOptionsTest, RandomOffsetShufflesInsideEachBlockWithTheSamePermutationPerSegment) {
  params_.random_offset = true;
  params_.transfer_size = 4096;
  params_.block_size = 64 << 10;  // 16 transfers per block
  params_.segments = 3;
  PosixEngine engine = Engine(1, 2);
  ASSERT_TRUE(engine.Write(nullptr, nullptr).ok());
  ExpectFileMatchesPattern(1);  // every offset written once, at the right place

  std::vector<uint64_t> first_block;
  for (uint64_t k = 0; k < 16; ++k) first_block.push_back(engine.TransferOffset(k));
  std::vector<uint64_t> sorted = first_block;
  std::sort(sorted.begin(), sorted.end());
  for (uint64_t j = 0; j < 16; ++j) EXPECT_EQ(sorted[j], j * 4096);  // a permutation
  EXPECT_NE(first_block, sorted) << "16 transfers left in sequential order";
  for (uint64_t segment = 1; segment < 3; ++segment) {
    for (uint64_t k = 0; k < 16; ++k) {
      EXPECT_EQ(engine.TransferOffset(segment * 16 + k), segment * params_.block_size + first_block[k]);
    }
  }
  // Seedable: the same seed gives the same order on every rank, another seed
  // another order.
  params_.random_seed = 42;
  PosixEngine a = Engine(0, 2), b = Engine(1, 2);
  ASSERT_TRUE(a.Write(nullptr, nullptr).ok());
  ASSERT_TRUE(b.Write(nullptr, nullptr).ok());
  params_.random_seed = 43;
  PosixEngine c = Engine(0, 2);
  ASSERT_TRUE(c.Write(nullptr, nullptr).ok());
  std::vector<uint64_t> order_a, order_b, order_c;
  for (uint64_t k = 0; k < 16; ++k) {
    order_a.push_back(a.TransferOffset(k));
    order_b.push_back(b.TransferOffset(k));
    order_c.push_back(c.TransferOffset(k));
  }
  EXPECT_EQ(order_a, order_b);
  EXPECT_NE(order_a, order_c);
}

TEST_F(EngineOptionsTest, RandomOffsetStonewalledWriteLeavesExactlyTheFirstShuffledTransfers) {
  // The order the engine really writes in: with -z and a deadline, only the
  // first K transfers of the shuffled order are in the file, the rest are holes.
  params_.random_offset = true;
  params_.transfer_size = 4096;
  params_.block_size = 64 << 10;
  params_.segments = 2;
  params_.deadline_seconds = 1;
  FakeClock clock(absl::Milliseconds(100));  // 100 ms per reading
  PosixEngine engine = EngineWithClock(0, 1, &clock);
  absl::StatusOr<PhaseMeasurement> m = engine.Write(nullptr, nullptr);
  ASSERT_TRUE(m.ok()) << m.status();
  ASSERT_GT(m->stonewall_ops, 0u);
  ASSERT_LT(m->ops, TransfersPerRank(params_));
  EXPECT_EQ(m->ops, m->stonewall_ops);
  EXPECT_EQ(m->bytes, m->ops * params_.transfer_size);
  std::vector<uint64_t> words = ReadWords(RankFilePath(params_, 0));
  for (uint64_t k = 0; k < TransfersPerRank(params_); ++k) {
    const uint64_t offset = engine.TransferOffset(k);
    if (k < m->ops) {
      EXPECT_TRUE(TransferHasPattern(words, 0, offset)) << "transfer " << k << " at " << offset;
    } else {
      EXPECT_TRUE(TransferIsZero(words, offset)) << "transfer " << k << " at " << offset << " written";
    }
  }
}

TEST_F(EngineOptionsTest, SegmentsLayBlocksOneAfterAnotherAtSegmentTimesBlock) {
  params_.transfer_size = 8192;
  params_.block_size = 16384;
  params_.segments = 5;
  PosixEngine engine = Engine(3, 4);
  for (uint64_t k = 0; k < TransfersPerRank(params_); ++k) {
    EXPECT_EQ(engine.TransferOffset(k), (k / 2) * 16384 + (k % 2) * 8192);
  }
  ASSERT_TRUE(engine.Write(nullptr, nullptr).ok());
  EXPECT_EQ(std::filesystem::file_size(RankFilePath(params_, 3)), 5u * 16384);
  ExpectFileMatchesPattern(3);
}

TEST_F(EngineOptionsTest, ReorderAcrossAgentsEachReaderReadsAndVerifiesTheNextRanksData) {
  // Three agents, one rank each (IOR: one rank per node, so -C shifts by Q).
  params_.reorder_tasks = true;
  params_.task_offset = 1;
  params_.verify_read = true;
  for (int rank = 0; rank < 3; ++rank) ASSERT_TRUE(Engine(rank, 3).Write(nullptr, nullptr).ok());
  for (int rank = 0; rank < 3; ++rank) {
    PosixEngine reader = Engine(rank, 3);
    EXPECT_EQ(reader.ReadPath(), RankFilePath(params_, (rank + 1) % 3));
    absl::StatusOr<PhaseMeasurement> read = reader.Read(nullptr, nullptr);
    ASSERT_TRUE(read.ok()) << read.status();
    EXPECT_EQ(read->bytes, BytesPerRank(params_));
  }
  // If rank 2's file held rank 0's data, reader 1 notices (and says where).
  std::filesystem::copy_file(RankFilePath(params_, 0), RankFilePath(params_, 2),
                             std::filesystem::copy_options::overwrite_existing);
  absl::StatusOr<PhaseMeasurement> wrong = Engine(1, 3).Read(nullptr, nullptr);
  EXPECT_EQ(wrong.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(wrong.status().message(), HasSubstr("testfile.00000002: data at offset 0"));
  // -Q 2 of 3: rank 2 reads rank 1's file.
  params_.task_offset = 2;
  EXPECT_EQ(Engine(2, 3).ReadPath(), RankFilePath(params_, 1));
}

TEST_F(EngineOptionsTest, DeadlineWithoutWearOutStopsEachRankOnItsOwn) {
  params_.deadline_seconds = 1;
  params_.transfer_size = 4096;
  params_.block_size = 4096 * 64;
  params_.segments = 1;
  FakeClock clock(absl::Milliseconds(100));
  PosixEngine engine = EngineWithClock(0, 2, &clock);
  RecordingSync sync(&clock, 1000);
  absl::StatusOr<PhaseMeasurement> m = engine.Write(nullptr, nullptr, PhaseHooks{&sync, 0});
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_TRUE(sync.events.empty()) << "no wear-out, no agreement";
  // Readings: xfer start, then one per transfer; the loop stops at the first
  // reading more than 1 s after the start: after 11 transfers.
  EXPECT_EQ(m->ops, 11u);
  EXPECT_EQ(m->stonewall_ops, 11u);
  EXPECT_EQ(std::filesystem::file_size(RankFilePath(params_, 0)), 11u * 4096);
}

TEST_F(EngineOptionsTest, WearOutContinuesToTheMaximumOfAllRanksAndTheFileHoldsExactlyThat) {
  params_.deadline_seconds = 1;
  params_.stonewall_wear_out = true;
  params_.transfer_size = 4096;
  params_.block_size = 4096 * 64;
  params_.segments = 1;
  FakeClock clock(absl::Milliseconds(100));
  PosixEngine engine = EngineWithClock(0, 2, &clock);
  RecordingSync sync(&clock, 30);  // another rank got to 30 before its deadline
  absl::StatusOr<PhaseMeasurement> m = engine.Write(nullptr, nullptr, PhaseHooks{&sync, 0});
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(sync.events, std::vector<std::string>{"agree 11"});
  EXPECT_EQ(m->stonewall_ops, 11u);
  EXPECT_EQ(m->ops, 30u);
  EXPECT_EQ(m->bytes, 30u * 4096);
  std::vector<uint64_t> words = ReadWords(RankFilePath(params_, 0));
  ASSERT_EQ(words.size() * 8, 30u * 4096);
  for (uint64_t k = 0; k < 30; ++k) EXPECT_TRUE(TransferHasPattern(words, 0, k * 4096)) << k;

  // The read of a stonewalled write is capped at what was written.
  params_.deadline_seconds = 0;
  params_.stonewall_wear_out = false;
  PosixEngine plain_reader = Engine(0, 2);
  absl::StatusOr<PhaseMeasurement> read = plain_reader.Read(nullptr, nullptr, PhaseHooks{nullptr, 30});
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->ops, 30u);
  // Without the cap it runs into the end of the file.
  EXPECT_EQ(plain_reader.Read(nullptr, nullptr).status().code(), absl::StatusCode::kOutOfRange);
}

TEST_F(EngineOptionsTest, WearOutRankThatFinishedInTimeStillReportsItsCount) {
  params_.deadline_seconds = 1000;
  params_.stonewall_wear_out = true;
  PosixEngine engine = Engine(1, 2);
  RecordingSync sync(&clock_, 0);
  absl::StatusOr<PhaseMeasurement> m = engine.Write(nullptr, nullptr, PhaseHooks{&sync, 0});
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(sync.events, std::vector<std::string>{absl::StrCat("agree ", TransfersPerRank(params_))});
  EXPECT_EQ(m->stonewall_ops, 0u);
  EXPECT_EQ(m->ops, TransfersPerRank(params_));
}

TEST_F(EngineOptionsTest, IntraTestBarriersSitBetweenOpenTransfersAndClose) {
  params_.intra_test_barriers = true;
  params_.fsync = true;
  for (bool writing : {true, false}) {
    RecordingSync sync(&clock_, 0);
    PosixEngine engine = Engine(0, 1);
    absl::StatusOr<PhaseMeasurement> m = writing ? engine.Write(nullptr, nullptr, PhaseHooks{&sync, 0})
                                                 : engine.Read(nullptr, nullptr, PhaseHooks{&sync, 0});
    ASSERT_TRUE(m.ok()) << m.status();
    ASSERT_EQ(sync.events, (std::vector<std::string>{"after-open", "after-transfers"}));
    EXPECT_GT(sync.times[0], m->open_end_ns);
    EXPECT_LT(sync.times[0], m->xfer_start_ns);
    EXPECT_GT(sync.times[1], m->xfer_end_ns);
    EXPECT_LT(sync.times[1], m->close_start_ns);
  }
  // Without -g the sync is not consulted.
  params_.intra_test_barriers = false;
  RecordingSync sync(&clock_, 0);
  ASSERT_TRUE(Engine(0, 1).Write(nullptr, nullptr, PhaseHooks{&sync, 0}).ok());
  EXPECT_TRUE(sync.events.empty());
}

TEST_F(EngineOptionsTest, UniqueDirPutsEachRanksFileInItsOwnDirectoryAndReadersFollowTheShift) {
  params_.unique_dir = true;
  params_.reorder_tasks = true;
  params_.verify_read = true;
  EXPECT_EQ(RankFilePath(params_, 3), dir_ + "/3/testfile.00000003");
  for (int rank = 0; rank < 2; ++rank) ASSERT_TRUE(Engine(rank, 2).Write(nullptr, nullptr).ok());
  EXPECT_TRUE(std::filesystem::is_regular_file(dir_ + "/0/testfile.00000000"));
  EXPECT_TRUE(std::filesystem::is_regular_file(dir_ + "/1/testfile.00000001"));
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/testfile.00000000"));
  PosixEngine reader = Engine(0, 2);
  EXPECT_EQ(reader.ReadPath(), dir_ + "/1/testfile.00000001");
  ASSERT_TRUE(reader.Read(nullptr, nullptr).ok());
  ASSERT_TRUE(reader.Remove().ok());
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/0/testfile.00000000"));
  // A second write into the existing rank directory is fine.
  ASSERT_TRUE(Engine(1, 2).Write(nullptr, nullptr).ok());
}

TEST_F(EngineOptionsTest, OdirectRejectsUnalignedTransferSizeBeforeTouchingAnyFile) {
  params_.odirect = true;
  params_.transfer_size = 10 << 10;  // 10k: a multiple of 8 but not of 4096
  params_.block_size = 40 << 10;
  absl::Status valid = Validate(params_);
  EXPECT_EQ(valid.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(valid.message(), HasSubstr("--odirect"));
  EXPECT_THAT(valid.message(), HasSubstr("multiple of 4096"));
  EXPECT_THAT(valid.message(), HasSubstr("10k"));
  absl::StatusOr<PhaseMeasurement> m = Engine(0, 1).Write(nullptr, nullptr);
  EXPECT_EQ(m.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(std::filesystem::exists(RankFilePath(params_, 0)));
  params_.transfer_size = 6144;  // 1.5 pages
  params_.block_size = 6144 * 4;
  EXPECT_EQ(Validate(params_).code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(EngineOptionsTest, OdirectWritesAndReadsBackAlignedTransfers) {
  params_.odirect = true;
  params_.transfer_size = 64 << 10;
  params_.block_size = 256 << 10;
  params_.segments = 2;
  params_.verify_read = true;
  PosixEngine engine = Engine(0, 1);
  absl::StatusOr<PhaseMeasurement> written = engine.Write(nullptr, nullptr);
  if (!written.ok() && absl::StrContains(written.status().message(), "O_DIRECT")) {
    GTEST_SKIP() << "file system of " << dir_ << " has no O_DIRECT: " << written.status();
  }
  ASSERT_TRUE(written.ok()) << written.status();
  ExpectFileMatchesPattern(0);
  absl::StatusOr<PhaseMeasurement> read = engine.Read(nullptr, nullptr);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->bytes, BytesPerRank(params_));
}

TEST_F(EngineOptionsTest, FsyncPerWriteStillWritesThePattern) {
  params_.fsync_per_write = true;
  absl::StatusOr<PhaseMeasurement> m = Engine(2, 3).Write(nullptr, nullptr);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->ops, TransfersPerRank(params_));
  ExpectFileMatchesPattern(2);
}

TEST(ValidateEngineOptions, FollowsIorRules) {
  IorParams params;
  params.directory = "/tmp";
  params.random_offset = true;
  params.transfer_size = params.block_size = 1 << 20;
  absl::Status status = Validate(params);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("-z"));
  params.random_offset = false;
  params.stonewall_wear_out = true;
  status = Validate(params);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("-D"));
  params.deadline_seconds = 10;
  EXPECT_TRUE(Validate(params).ok());
  params.max_minutes = kMaxMinutes + 1;
  EXPECT_THAT(Validate(params).message(), HasSubstr("-T"));
}

}  // namespace
}  // namespace fta::ior
