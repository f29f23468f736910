// Whole-file reads of small files (config, tokens, /proc entries, fixtures,
// reports): one place that opens, reads to the end and says what failed.
//
//   FTA_ASSIGN_OR_RETURN(std::string text, ReadFileText(path));
//   std::string cmdline = ReadFileOrEmpty("/proc/42/cmdline");  // "" when gone
#pragma once

#include <string>

#include "absl/status/statusor.h"

namespace fta {

// The bytes of the file at `path`, unchanged (binary-safe). NOT_FOUND naming
// the path when it cannot be opened; FAILED_PRECONDITION when a read fails.
absl::StatusOr<std::string> ReadFileText(const std::string& path);

// As ReadFileText, "" for a file that cannot be read (where absence is an
// answer, not an error: a process that is gone, an optional file).
std::string ReadFileOrEmpty(const std::string& path);

}  // namespace fta
