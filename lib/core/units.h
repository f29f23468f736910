// Sizes in IOR's syntax.
//
// IOR reads "-t 1m" as 1048576 bytes: an integer with an optional k/m/g/t/p
// suffix (case-insensitive, powers of 1024). We accept exactly that, plus the
// "KiB"/"MiB"/... spellings operators paste from reports, and reject anything
// else with a message naming the field, instead of IOR's silent -1.
//
//   absl::StatusOr<uint64_t> t = ParseSize("-t", "100k");  // 102400
//   FormatSize(1073741824) == "1g"
#pragma once

#include <cstdint>
#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/statusor.h"

namespace fta {

// `field` is only used in error messages ("-t: ...").
absl::StatusOr<uint64_t> ParseSize(absl::string_view field, absl::string_view text);

// Shortest exact IOR spelling: 1048576 -> "1m", 102400 -> "100k", 1000 -> "1000".
std::string FormatSize(uint64_t bytes);

// Human form with binary units for tables: 1536 -> "1.50 KiB".
std::string HumanBytes(uint64_t bytes);

}  // namespace fta
