// Runs an external tool to completion (qemu-img, genisoimage,
// virt-xml-validate): argv without a shell, PATH searched, stdin from
// /dev/null, stdout and stderr captured together.
//
//   FTA_ASSIGN_OR_RETURN(ToolResult result, RunTool({"qemu-img", "create", ...}));
//   if (result.exit_code != 0) ... result.output ...
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace fta {

struct ToolResult {
  int exit_code = -1;  // 128 + signal when killed by one
  std::string output;  // stdout and stderr, interleaved as written
};

// FAILED_PRECONDITION naming the tool when it cannot be started (not
// installed: the message says so). The tool's own failure is a result with
// a non-zero exit code, not an error.
absl::StatusOr<ToolResult> RunTool(const std::vector<std::string>& argv);

}  // namespace fta
