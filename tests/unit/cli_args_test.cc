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

// Every one of `texts` is refused with INVALID_ARGUMENT naming `flag`.
template <typename Parse>
void ExpectRefusedNaming(Parse parse, const std::string& flag, std::initializer_list<const char*> texts) {
  for (const char* text : texts) {
    auto parsed = parse(text);
    ASSERT_FALSE(parsed.ok()) << "accepted \"" << text << "\"";
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(absl::StartsWith(parsed.status().message(), flag + ": ")) << parsed.status().message();
  }
}

TEST(ParseTargetsTest, RejectsInvalidSpellingsNamingTheFlag) {
  ExpectRefusedNaming(ParseTargets, "--on",
                      {"", ",", "fta-1,", ",fta-1", "fta-1,,fta-2", "fta 1", "all,fta-1", "fta-1,native",
                       "fta-1,fta-1"});
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
  ExpectRefusedNaming(ParseEndpoint, "--host",
                      {"", "unix:", "node7", "node7:", ":7443", "node7:http", "node7:0", "node7:70000", "::1:50051",
                       "node 7:7443"});
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
