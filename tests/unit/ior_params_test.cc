#include "lib/ior/ior_params.h"

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace fta::ior {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

IorParams ValidParams() {
  IorParams params;
  params.directory = "/tmp/ior";
  return params;
}

// Expects INVALID_ARGUMENT whose message starts with `option` and contains
// `detail`.
void ExpectRejected(const IorParams& params, const char* option, const char* detail) {
  absl::Status status = Validate(params);
  ASSERT_FALSE(status.ok()) << "expected rejection mentioning " << option;
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), StartsWith(option));
  EXPECT_THAT(std::string(status.message()), HasSubstr(detail));
}

TEST(Validate, AcceptsDefaultsWithDirectory) { EXPECT_TRUE(Validate(ValidParams()).ok()); }

TEST(Validate, AcceptsPosterConfiguration) {
  IorParams params = ValidParams();
  params.transfer_size = 1 << 20;
  params.block_size = 48ull << 30;
  params.fsync = true;
  params.reorder_tasks = true;
  EXPECT_TRUE(Validate(params).ok()) << Validate(params);
  // 48g is not a multiple of 100k: IOR's classic trap (use -b 64000k).
  params.transfer_size = 100 << 10;
  EXPECT_FALSE(Validate(params).ok());
}

TEST(Validate, RejectsTransferSizeNotMultipleOf8) {
  IorParams params = ValidParams();
  params.transfer_size = 100;
  params.block_size = 1000;
  absl::Status status = Validate(params);
  EXPECT_EQ(status.message(), "-t: transfer size must be a multiple of 8 bytes, got 100");
}

TEST(Validate, RejectsBlockNotMultipleOfTransfer) {
  IorParams params = ValidParams();
  params.transfer_size = 100 << 10;
  params.block_size = 64 << 20;
  absl::Status status = Validate(params);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "-b: block size 64m is not a multiple of transfer size 100k");
}

TEST(Validate, AcceptsBlockEqualToTransfer) {
  IorParams params = ValidParams();
  params.transfer_size = 1 << 20;
  params.block_size = 1 << 20;
  EXPECT_TRUE(Validate(params).ok());
}

TEST(Validate, RejectsSegmentAndIterationCountsOutOfRange) {
  struct Count {
    uint64_t IorParams::*field;
    const char* option;
    uint64_t max;
  };
  for (const Count& count : {Count{&IorParams::segments, "-s", kMaxSegments},
                             Count{&IorParams::iterations, "-i", kMaxIterations}}) {
    IorParams params = ValidParams();
    params.block_size = 1 << 20;  // the most segments of it stay under the bytes-per-rank limit
    params.*count.field = 0;
    ExpectRejected(params, count.option, "got 0");
    params.*count.field = count.max + 1;
    ExpectRejected(params, count.option, ("got " + std::to_string(count.max + 1)).c_str());
    params.*count.field = count.max;
    EXPECT_TRUE(Validate(params).ok()) << count.option;
  }
}

TEST(Validate, AcceptsOnlyWriteOrOnlyRead) {
  IorParams params = ValidParams();
  params.read = false;
  EXPECT_TRUE(Validate(params).ok());
  params.read = true;
  params.write = false;
  EXPECT_TRUE(Validate(params).ok());
}

TEST(Validate, RejectsPerRankSizeAbove1PiB) {
  IorParams params = ValidParams();
  params.block_size = 1ull << 30;
  params.transfer_size = 1 << 20;
  params.segments = (1 << 20) + 1;  // 1 PiB + 1 GiB
  ExpectRejected(params, "-s/-b", "exceeds the limit of 1p");
  params.segments = 1 << 20;  // exactly 1 PiB
  EXPECT_TRUE(Validate(params).ok());
}

// One wrong choice each, on otherwise valid parameters.
TEST(Validate, RejectsEachBadChoiceNamingItsOption) {
  struct Case {
    const char* name;
    std::function<void(IorParams&)> change;
    const char* option;
    const char* detail;
  };
  const Case cases[] = {
      {"zero transfer", [](IorParams& p) { p.transfer_size = 0; }, "-t", "greater than 0"},
      {"zero block", [](IorParams& p) { p.block_size = 0; }, "-b", "greater than 0"},
      {"block not a multiple of 8", [](IorParams& p) { p.transfer_size = 8, p.block_size = 1004; }, "-b",
       "multiple of 8 bytes, got 1004"},
      {"block below transfer", [](IorParams& p) { p.transfer_size = 1 << 20, p.block_size = 64 << 10; }, "-b",
       "block size 64k is smaller than transfer size 1m"},
      {"neither -w nor -r", [](IorParams& p) { p.write = false, p.read = false; }, "-w/-r", "at least one"},
      {"zero task offset", [](IorParams& p) { p.task_offset = 0; }, "-Q", "at least 1"},
      // 2^40 * 1e9 overflows uint64
      {"per-rank size overflows",
       [](IorParams& p) { p.transfer_size = 1 << 20, p.block_size = 1ull << 40, p.segments = kMaxSegments; },
       "-s/-b", "per-rank size"},
      {"empty directory", [](IorParams& p) { p.directory = ""; }, "directory", "empty"},
      {"relative directory", [](IorParams& p) { p.directory = "scratch/ior"; }, "directory", "absolute"},
      {"empty file name", [](IorParams& p) { p.file_name = ""; }, "file name", "empty"},
      {"file name with a slash", [](IorParams& p) { p.file_name = "sub/testfile"; }, "file name", "'/'"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    IorParams params = ValidParams();
    c.change(params);
    ExpectRejected(params, c.option, c.detail);
  }
}

TEST(RankFilePath, AppendsRankWithEightDigits) {
  IorParams params = ValidParams();
  EXPECT_EQ(RankFilePath(params, 0), "/tmp/ior/testfile.00000000");
  EXPECT_EQ(RankFilePath(params, 3), "/tmp/ior/testfile.00000003");
  EXPECT_EQ(RankFilePath(params, 123456789), "/tmp/ior/testfile.123456789");
}

TEST(RankFilePath, DoesNotDoubleTrailingSlash) {
  IorParams params = ValidParams();
  params.directory = "/tmp/ior/";
  params.file_name = "data";
  EXPECT_EQ(RankFilePath(params, 7), "/tmp/ior/data.00000007");
  params.directory = "/";
  EXPECT_EQ(RankFilePath(params, 7), "/data.00000007");
}

TEST(BytesPerRank, IsSegmentsTimesBlock) {
  IorParams params = ValidParams();
  params.segments = 3;
  params.block_size = 64000 << 10;
  params.transfer_size = 100 << 10;
  EXPECT_EQ(BytesPerRank(params), 3ull * 65536000);
  EXPECT_EQ(TransfersPerRank(params), 3u * 640);
}

}  // namespace
}  // namespace fta::ior
