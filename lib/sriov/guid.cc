#include "lib/sriov/guid.h"

#include <regex>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"

namespace fta::sriov {

absl::StatusOr<uint64_t> ParseGuid(const std::string& text, const std::string& what) {
  std::string digits = absl::AsciiStrToLower(std::string(absl::StripAsciiWhitespace(text)));
  if (absl::StartsWith(digits, "0x")) digits = digits.substr(2);
  digits = absl::StrReplaceAll(digits, {{":", ""}});
  uint64_t value = 0;
  if (digits.empty() || digits.size() > 16 || !absl::SimpleHexAtoi(digits, &value)) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": malformed GUID \"", text, "\""));
  }
  return value;
}

std::string FormatGuidColons(uint64_t guid) {
  std::string out;
  for (int byte = 7; byte >= 0; --byte) {
    absl::StrAppend(&out, byte == 7 ? "" : ":", absl::StrFormat("%02x", (guid >> (byte * 8)) & 0xff));
  }
  return out;
}

std::string FormatGuidHex(uint64_t guid) { return absl::StrFormat("0x%016x", guid); }

absl::StatusOr<uint32_t> ParseGuidPrefix(const std::string& text) {
  std::vector<std::string> bytes = absl::StrSplit(text, ':');
  uint32_t prefix = 0;
  bool ok = bytes.size() == 4;
  for (const std::string& byte : bytes) {
    uint32_t value = 0;
    ok = ok && byte.size() == 2 && absl::SimpleHexAtoi(byte, &value);
    prefix = (prefix << 8) | value;
  }
  if (!ok) {
    return absl::InvalidArgumentError(
        absl::StrCat("sriov.guid_prefix: \"", text, "\" is not 4 hex bytes like \"02:c9:fa:00\""));
  }
  return prefix;
}

bool LooksLikePciAddress(const std::string& text) {
  static const std::regex kBdf("^[0-9a-fA-F]{4}:[0-9a-fA-F]{2}:[0-1][0-9a-fA-F]\\.[0-7]$");
  return std::regex_match(text, kBdf);
}

absl::StatusOr<PciAddress> ParsePciAddress(const std::string& text) {
  if (!LooksLikePciAddress(text)) {
    return absl::InvalidArgumentError(absl::StrCat("\"", text, "\" is not a PCI address like 0000:03:00.0"));
  }
  PciAddress address;
  uint32_t value = 0;
  (void)absl::SimpleHexAtoi(text.substr(0, 4), &value);
  address.domain = static_cast<int>(value);
  (void)absl::SimpleHexAtoi(text.substr(5, 2), &value);
  address.bus = static_cast<int>(value);
  (void)absl::SimpleHexAtoi(text.substr(8, 2), &value);
  address.device = static_cast<int>(value);
  address.function = text[11] - '0';
  return address;
}

VfGuids DeriveVfGuids(uint32_t prefix, const PciAddress& pf, int vf_index) {
  uint64_t base = (uint64_t{prefix} << 32) | (uint64_t(pf.bus & 0xff) << 24) |
                  (uint64_t(((pf.device & 0x1f) << 3) | (pf.function & 0x7)) << 16) |
                  (uint64_t(vf_index & 0x7fff) << 1);
  return VfGuids{base, base | 1};
}

}  // namespace fta::sriov
