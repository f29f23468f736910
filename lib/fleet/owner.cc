#include "lib/fleet/owner.h"

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace fta::hostd {
namespace {

bool AllowedOwnerChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
         c == ':' || c == '@' || c == '-';
}

}  // namespace

absl::Status ValidateOwner(absl::string_view owner, absl::string_view field) {
  if (owner.size() > kMaxOwnerLength) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": at most ", kMaxOwnerLength, " characters, got ", owner.size()));
  }
  for (size_t i = 0; i < owner.size(); ++i) {
    if (!AllowedOwnerChar(owner[i])) {
      return absl::InvalidArgumentError(absl::StrCat(field, ": character ", i + 1,
                                                     " is not one of A-Z a-z 0-9 _ . : @ - (owner \"",
                                                     absl::CEscape(owner), "\")"));
    }
  }
  return absl::OkStatus();
}

std::string OwnerOfTarget(absl::string_view target) {
  if (!absl::StartsWith(target, kOwnerTargetPrefix)) return "";
  return std::string(target.substr(sizeof(kOwnerTargetPrefix) - 1));
}

}  // namespace fta::hostd
