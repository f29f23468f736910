#include "lib/core/units.h"

#include <cctype>
#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace fta {
namespace {

struct Suffix {
  const char* spelling;
  int shift;
};

// Longest spellings first so "kib" is not read as "k" + garbage.
constexpr Suffix kSuffixes[] = {
    {"kib", 10}, {"mib", 20}, {"gib", 30}, {"tib", 40}, {"pib", 50},
    {"k", 10},   {"m", 20},   {"g", 30},   {"t", 40},   {"p", 50},
};

}  // namespace

absl::StatusOr<uint64_t> ParseSize(absl::string_view field, absl::string_view text) {
  std::string trimmed(absl::StripAsciiWhitespace(text));
  if (trimmed.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": empty size"));
  }
  if (trimmed[0] == '-') {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": size must not be negative, got \"", text, "\""));
  }
  size_t digits = 0;
  while (digits < trimmed.size() && std::isdigit(static_cast<unsigned char>(trimmed[digits]))) {
    ++digits;
  }
  if (digits == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ": \"", text, "\" is not a size (expected a number with an optional k/m/g/t/p suffix)"));
  }
  uint64_t number = 0;
  if (!absl::SimpleAtoi(trimmed.substr(0, digits), &number)) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": \"", text, "\" is too large"));
  }
  std::string suffix = absl::AsciiStrToLower(trimmed.substr(digits));
  int shift = -1;
  if (suffix.empty()) {
    shift = 0;
  } else {
    for (const Suffix& candidate : kSuffixes) {
      if (suffix == candidate.spelling) {
        shift = candidate.shift;
        break;
      }
    }
  }
  if (shift < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ": unknown size suffix \"", suffix, "\" in \"", text, "\" (use k, m, g, t or p)"));
  }
  if (shift > 0 && number > (std::numeric_limits<uint64_t>::max() >> shift)) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": \"", text, "\" overflows 64 bits"));
  }
  return number << shift;
}

std::string FormatSize(uint64_t bytes) {
  static constexpr struct {
    char letter;
    int shift;
  } kUnits[] = {{'p', 50}, {'t', 40}, {'g', 30}, {'m', 20}, {'k', 10}};
  if (bytes == 0) return "0";
  for (const auto& unit : kUnits) {
    uint64_t scale = uint64_t{1} << unit.shift;
    if (bytes % scale == 0) return absl::StrCat(bytes / scale, std::string(1, unit.letter));
  }
  return absl::StrCat(bytes);
}

std::string HumanBytes(uint64_t bytes) {
  static constexpr const char* kNames[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024.0 && unit < 5) {
    value /= 1024.0;
    ++unit;
  }
  if (unit == 0) return absl::StrCat(bytes, " B");
  return absl::StrFormat("%.2f %s", value, kNames[unit]);
}

}  // namespace fta
