// --start-at: which times a job may be told to start at, and when its
// first GO is due.
#include "lib/jobs/start_at.h"

#include <gtest/gtest.h>

#include "absl/strings/match.h"

namespace fta::hostd {
namespace {

constexpr int64_t kNowMs = 1'796'000'000'000;

TEST(ValidateStartAtTest, NoneOrAFewSecondsAheadIsFine) {
  ior::IorParams params;
  EXPECT_TRUE(ValidateStartAt(0, kNowMs, params).ok());
  EXPECT_TRUE(ValidateStartAt(kNowMs + 5'000, kNowMs, params).ok());
  EXPECT_TRUE(ValidateStartAt(kNowMs + absl::ToInt64Milliseconds(kStartAtMaxLead), kNowMs, params).ok());
}

TEST(ValidateStartAtTest, PastTooCloseTooFarAndBarriersAreRefusedNamingStartAt) {
  ior::IorParams params;
  for (int64_t start_at : {kNowMs - 1, kNowMs + 10, kNowMs + absl::ToInt64Milliseconds(kStartAtMaxLead) + 1,
                           kNowMs / 1000}) {
    absl::Status status = ValidateStartAt(start_at, kNowMs, params);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << start_at;
    EXPECT_TRUE(absl::StartsWith(status.message(), "start_at: ")) << status;
  }
  EXPECT_TRUE(absl::StrContains(ValidateStartAt(kNowMs - 2'000, kNowMs, params).message(), "in the past"));
  EXPECT_TRUE(absl::StrContains(ValidateStartAt(kNowMs + 10, kNowMs, params).message(), "to be READY"));
  params.intra_test_barriers = true;
  absl::Status barriers = ValidateStartAt(kNowMs + 5'000, kNowMs, params);
  EXPECT_EQ(barriers.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(barriers.message(), "-g")) << barriers;
  EXPECT_TRUE(absl::StrContains(barriers.message(), "different hosts")) << barriers;
}

TEST(FirstGoAtTest, TheLaterOfTheUsualLeadAndTheStartTime) {
  EXPECT_EQ(FirstGoAt(5'000'000'000, 0), 5'000'000'000);
  EXPECT_EQ(FirstGoAt(5'000'000'000, 7'000), 7'000'000'000);
  EXPECT_EQ(FirstGoAt(9'000'000'000, 7'000), 9'000'000'000);
}

}  // namespace
}  // namespace fta::hostd
