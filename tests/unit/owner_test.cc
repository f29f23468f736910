// FTA owner labels: what a scheduler may call its FTAs.
#include "lib/fleet/owner.h"

#include <string>

#include <gtest/gtest.h>

#include "absl/strings/match.h"

namespace fta::hostd {
namespace {

TEST(ValidateOwnerTest, EmptyAndSchedulerLabelsAreFine) {
  EXPECT_TRUE(ValidateOwner("", "owner").ok());
  EXPECT_TRUE(ValidateOwner("slurm:1234", "owner").ok());
  EXPECT_TRUE(ValidateOwner("pbs:77.server-1@site_A", "owner").ok());
  EXPECT_TRUE(ValidateOwner(std::string(kMaxOwnerLength, 'x'), "owner").ok());
}

TEST(ValidateOwnerTest, TooLongOrOddCharactersAreRefusedNamingTheField) {
  absl::Status long_owner = ValidateOwner(std::string(kMaxOwnerLength + 1, 'x'), "owner");
  EXPECT_EQ(long_owner.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(long_owner.message(), "owner: at most 128 characters")) << long_owner;
  for (const char* bad : {"slurm 1", "a/b", "x;rm", "tab\there", "new\nline", "é"}) {
    absl::Status status = ValidateOwner(bad, "on");
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_TRUE(absl::StartsWith(status.message(), "on: character ")) << status;
  }
}

TEST(OwnerOfTargetTest, OnlyOwnerTargetsHaveOne) {
  EXPECT_EQ(OwnerOfTarget("owner:slurm:12"), "slurm:12");
  EXPECT_EQ(OwnerOfTarget("owner:"), "");
  EXPECT_EQ(OwnerOfTarget("fta-1"), "");
  EXPECT_EQ(OwnerOfTarget("all"), "");
}

}  // namespace
}  // namespace fta::hostd
