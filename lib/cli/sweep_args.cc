#include "lib/cli/sweep_args.h"

#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace fta::cli {
namespace {

absl::StatusOr<int32_t> Count(const std::string& flag, absl::string_view text) {
  int32_t value = 0;
  if (!absl::SimpleAtoi(text, &value) || text.empty() || text[0] == '+' || text[0] == '-') {
    return absl::InvalidArgumentError(absl::StrCat(flag, ": \"", std::string(text), "\" is not a count"));
  }
  if (value < 1 || value > kMaxSweepCount) {
    return absl::InvalidArgumentError(
        absl::StrCat(flag, ": counts must be between 1 and ", kMaxSweepCount, ", got ", value));
  }
  return value;
}

}  // namespace

absl::StatusOr<std::vector<int32_t>> ParseCountList(const std::string& flag, const std::string& text) {
  if (text.empty()) return absl::InvalidArgumentError(absl::StrCat(flag, ": empty; e.g. 1..11 or 1,2,4,8"));
  std::set<int32_t> counts;
  for (absl::string_view part : absl::StrSplit(text, ',')) {
    if (part.empty()) return absl::InvalidArgumentError(absl::StrCat(flag, ": empty element in \"", text, "\""));
    size_t dots = part.find("..");
    if (dots == absl::string_view::npos) {
      absl::StatusOr<int32_t> value = Count(flag, part);
      if (!value.ok()) return value.status();
      counts.insert(*value);
      continue;
    }
    absl::StatusOr<int32_t> low = Count(flag, part.substr(0, dots));
    if (!low.ok()) return low.status();
    absl::StatusOr<int32_t> high = Count(flag, part.substr(dots + 2));
    if (!high.ok()) return high.status();
    if (*low > *high) {
      return absl::InvalidArgumentError(absl::StrCat(flag, ": range ", std::string(part), " runs backwards"));
    }
    for (int32_t value = *low; value <= *high; ++value) counts.insert(value);
  }
  return std::vector<int32_t>(counts.begin(), counts.end());
}

absl::StatusOr<std::vector<std::string>> ParseSizeList(const std::string& flag, const std::string& text) {
  std::vector<std::string> sizes;
  for (absl::string_view part : absl::StrSplit(text, ',')) {
    if (part.empty() || part.find_first_of(" \t") != absl::string_view::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat(flag, ": \"", text, "\" is not a comma separated list of sizes (e.g. 10k,100k,1m)"));
    }
    sizes.emplace_back(part);
  }
  return sizes;
}

}  // namespace fta::cli
