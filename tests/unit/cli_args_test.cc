// ftactl's argument helpers: --on targets, --host endpoints, error lines.
#include "lib/cli/args.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/match.h"

namespace fta::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(ParseTargetsTest, AllIsPassedAsTheSingleWordAll) {
  auto targets = ParseTargets("all");
  ASSERT_TRUE(targets.ok()) << targets.status();
  EXPECT_THAT(*targets, ElementsAre("all"));
}

TEST(ParseTargetsTest, NativeIsPassedAsTheSingleWordNative) {
  auto targets = ParseTargets("native");
  ASSERT_TRUE(targets.ok()) << targets.status();
  EXPECT_THAT(*targets, ElementsAre("native"));
}

TEST(ParseTargetsTest, CommaSeparatedIdsKeepTheirOrder) {
  auto targets = ParseTargets("fta-3,fta-1");
  ASSERT_TRUE(targets.ok()) << targets.status();
  EXPECT_THAT(*targets, ElementsAre("fta-3", "fta-1"));
}

TEST(ParseTargetsTest, RejectsInvalidSpellingsNamingTheFlag) {
  for (const char* text : {"", ",", "fta-1,", ",fta-1", "fta-1,,fta-2", "fta 1", "all,fta-1",
                           "fta-1,native", "fta-1,fta-1"}) {
    auto targets = ParseTargets(text);
    ASSERT_FALSE(targets.ok()) << "accepted \"" << text << "\"";
    EXPECT_EQ(targets.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(absl::StartsWith(targets.status().message(), "--on: "))
        << targets.status().message();
  }
}

TEST(ParseEndpointTest, UnixSocketPassesThrough) {
  auto target = ParseEndpoint("unix:/run/fta-hostd/control.sock");
  ASSERT_TRUE(target.ok()) << target.status();
  EXPECT_EQ(*target, "unix:/run/fta-hostd/control.sock");
}

TEST(ParseEndpointTest, AbsolutePathIsTakenAsUnixSocket) {
  auto target = ParseEndpoint("/tmp/fta/control.sock");
  ASSERT_TRUE(target.ok()) << target.status();
  EXPECT_EQ(*target, "unix:/tmp/fta/control.sock");
}

TEST(ParseEndpointTest, HostAndPortPassThrough) {
  for (const char* text : {"node7:7443", "10.0.0.5:50051", "[::1]:50051", "dns:///node7:7443"}) {
    auto target = ParseEndpoint(text);
    ASSERT_TRUE(target.ok()) << text << ": " << target.status();
    EXPECT_EQ(*target, text);
  }
}

TEST(ParseEndpointTest, RejectsMalformedEndpointsNamingTheFlag) {
  for (const char* text : {"", "unix:", "node7", "node7:", ":7443", "node7:http", "node7:0",
                           "node7:70000", "::1:50051", "node 7:7443"}) {
    auto target = ParseEndpoint(text);
    ASSERT_FALSE(target.ok()) << "accepted \"" << text << "\"";
    EXPECT_EQ(target.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(absl::StartsWith(target.status().message(), "--host: "))
        << target.status().message();
  }
}

TEST(DefaultEndpointTest, PrefersFtaHostEnvironmentValue) {
  EXPECT_EQ(DefaultEndpoint("unix:/tmp/x.sock"), "unix:/tmp/x.sock");
}

TEST(DefaultEndpointTest, FallsBackToSystemSocketWhenUnsetOrEmpty) {
  EXPECT_EQ(DefaultEndpoint(nullptr), "unix:/run/fta-hostd/control.sock");
  EXPECT_EQ(DefaultEndpoint(""), "unix:/run/fta-hostd/control.sock");
}

TEST(FormatErrorTest, NamesTheStatusCodeThenTheMessage) {
  EXPECT_EQ(FormatError(absl::InvalidArgumentError("-t: empty size")),
            "ftactl: INVALID_ARGUMENT: -t: empty size");
  EXPECT_EQ(FormatError(absl::UnavailableError("connect failed")),
            "ftactl: UNAVAILABLE: connect failed");
}

}  // namespace
}  // namespace fta::cli
