// Arguments of `ftactl sweep` that need more than CLI11's type checks.
//
//   ParseCountList("1..11")     -> {1, 2, ..., 11}
//   ParseCountList("1,2,4,8")   -> {1, 2, 4, 8}
//   ParseCountList("1..4,8")    -> {1, 2, 3, 4, 8}
//   ParseSizeList("10k,100k,1m") -> {"10k", "100k", "1m"}
//
// Errors are INVALID_ARGUMENT naming the flag. Sizes stay strings: their
// syntax is the daemon's to judge, as for `ior run`.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace fta::cli {

// Ranges "A..B" (A <= B) and single numbers, comma separated, each >= 1;
// the result is ascending without duplicates. At most kMaxSweepCount.
inline constexpr int kMaxSweepCount = 1024;
absl::StatusOr<std::vector<int32_t>> ParseCountList(const std::string& flag, const std::string& text);

// Comma separated, non-empty, no blanks.
absl::StatusOr<std::vector<std::string>> ParseSizeList(const std::string& flag, const std::string& text);

}  // namespace fta::cli
