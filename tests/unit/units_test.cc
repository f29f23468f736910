#include "lib/core/units.h"

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace fta {
namespace {

using ::testing::HasSubstr;

uint64_t ParseOk(const char* text) {
  absl::StatusOr<uint64_t> size = ParseSize("-t", text);
  EXPECT_TRUE(size.ok()) << text << ": " << size.status();
  return size.ok() ? *size : 0;
}

void ExpectInvalid(const char* text) {
  absl::StatusOr<uint64_t> size = ParseSize("-b", text);
  ASSERT_FALSE(size.ok()) << text << " parsed as " << *size;
  EXPECT_EQ(size.status().code(), absl::StatusCode::kInvalidArgument) << text;
  EXPECT_THAT(std::string(size.status().message()), HasSubstr("-b")) << text;
}

TEST(ParseSize, SuffixesArePowersOf1024) {
  EXPECT_EQ(ParseOk("100k"), 102400u);
  EXPECT_EQ(ParseOk("1m"), 1048576u);
  EXPECT_EQ(ParseOk("64000k"), 65536000u);
  EXPECT_EQ(ParseOk("48g"), 48ull << 30);
  EXPECT_EQ(ParseOk("2t"), 2ull << 40);
  EXPECT_EQ(ParseOk("1p"), 1ull << 50);
}

TEST(ParseSize, PlainNumberIsBytes) {
  EXPECT_EQ(ParseOk("4096"), 4096u);
  EXPECT_EQ(ParseOk("0"), 0u);
}

TEST(ParseSize, AcceptsBinaryUnitSpellings) {
  EXPECT_EQ(ParseOk("1MiB"), 1048576u);
  EXPECT_EQ(ParseOk("4kib"), 4096u);
  EXPECT_EQ(ParseOk("3GiB"), 3ull << 30);
}

TEST(ParseSize, SuffixIsCaseInsensitive) {
  EXPECT_EQ(ParseOk("1M"), 1048576u);
  EXPECT_EQ(ParseOk("48G"), 48ull << 30);
  EXPECT_EQ(ParseOk("100K"), 102400u);
}

TEST(ParseSize, IgnoresSurroundingWhitespace) {
  EXPECT_EQ(ParseOk("  1m "), 1048576u);
  EXPECT_EQ(ParseOk("\t100k\n"), 102400u);
}

TEST(ParseSize, RejectsEmpty) {
  ExpectInvalid("");
  ExpectInvalid("   ");
}

TEST(ParseSize, RejectsNonNumbers) { ExpectInvalid("abc"); }

TEST(ParseSize, RejectsNegative) { ExpectInvalid("-1"); }

TEST(ParseSize, RejectsUnknownSuffix) {
  ExpectInvalid("10x");
  ExpectInvalid("1mb");
}

TEST(ParseSize, RejectsOverflow) {
  ExpectInvalid("99999999999p");
  ExpectInvalid("99999999999999999999999");
}

TEST(ParseSize, ErrorNamesTheField) {
  absl::StatusOr<uint64_t> size = ParseSize("block size", "10x");
  ASSERT_FALSE(size.ok());
  EXPECT_THAT(std::string(size.status().message()), HasSubstr("block size"));
}

TEST(FormatSize, UsesShortestExactSuffix) {
  EXPECT_EQ(FormatSize(0), "0");
  EXPECT_EQ(FormatSize(1000), "1000");
  EXPECT_EQ(FormatSize(100), "100");
  EXPECT_EQ(FormatSize(102400), "100k");
  EXPECT_EQ(FormatSize(1048576), "1m");
  EXPECT_EQ(FormatSize(65536000), "64000k");
  EXPECT_EQ(FormatSize(48ull << 30), "48g");
  EXPECT_EQ(FormatSize(1ull << 50), "1p");
}

TEST(FormatSize, RoundTripsThroughParseSize) {
  for (uint64_t bytes : {uint64_t{8}, uint64_t{102400}, uint64_t{65536000}, uint64_t{48} << 30,
                         uint64_t{1} << 50, uint64_t{1048584}}) {
    absl::StatusOr<uint64_t> parsed = ParseSize("-t", FormatSize(bytes));
    ASSERT_TRUE(parsed.ok()) << bytes;
    EXPECT_EQ(*parsed, bytes);
  }
}

TEST(HumanBytes, UsesBinaryUnitsWithTwoDecimals) {
  EXPECT_EQ(HumanBytes(0), "0 B");
  EXPECT_EQ(HumanBytes(1023), "1023 B");
  EXPECT_EQ(HumanBytes(1536), "1.50 KiB");
  EXPECT_EQ(HumanBytes(1048576), "1.00 MiB");
  EXPECT_EQ(HumanBytes(48ull << 30), "48.00 GiB");
}

}  // namespace
}  // namespace fta
