// RunTool: real processes, their combined output and exit codes, and the
// error for a tool that is not installed.
#include "lib/core/run_tool.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace fta {
namespace {

using ::testing::HasSubstr;

TEST(RunToolTest, CapturesStdoutAndStderrAndTheExitCode) {
  absl::StatusOr<ToolResult> result = RunTool({"sh", "-c", "echo out; echo err >&2; exit 3"});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->exit_code, 3);
  EXPECT_EQ(result->output, "out\nerr\n");
}

TEST(RunToolTest, StdinIsEmptyAndArgumentsAreNotShellParsed) {
  absl::StatusOr<ToolResult> result = RunTool({"cat", "-"});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->exit_code, 0);
  EXPECT_EQ(result->output, "");
  result = RunTool({"echo", "a; b", "$HOME"});
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->output, "a; b $HOME\n");
}

TEST(RunToolTest, KilledBySignalIs128PlusIt) {
  absl::StatusOr<ToolResult> result = RunTool({"sh", "-c", "kill -TERM $$"});
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->exit_code, 128 + 15);
}

TEST(RunToolTest, MissingToolIsAFailedPreconditionNamingIt) {
  absl::StatusOr<ToolResult> result = RunTool({"fta-no-such-tool", "x"});
  EXPECT_EQ(result.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(result.status().message()), HasSubstr("cannot run fta-no-such-tool"));
  EXPECT_THAT(std::string(result.status().message()), HasSubstr("is it installed?"));
}

}  // namespace
}  // namespace fta
