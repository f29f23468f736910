#include "lib/core/paging.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace fta {
namespace {

// Versioned, so a later format can refuse tokens of this one by name.
constexpr char kTokenVersion[] = "p1";

}  // namespace

std::string EncodePageToken(const std::string& scope, const std::string& last_id) {
  return absl::WebSafeBase64Escape(absl::StrCat(kTokenVersion, "\n", scope, "\n", last_id));
}

absl::StatusOr<PageQuery> ResolvePage(int32_t page_size, const std::string& page_token, const std::string& scope) {
  if (page_size < 0) {
    return absl::InvalidArgumentError(absl::StrCat("page_size: must not be negative, got ", page_size));
  }
  PageQuery query;
  query.size = page_size == 0 ? kDefaultPageSize : std::min<int32_t>(page_size, kMaxPageSize);
  if (page_token.empty()) return query;
  std::string decoded;
  if (!absl::WebSafeBase64Unescape(page_token, &decoded)) {
    return absl::InvalidArgumentError("page_token: not a page token (pass next_page_token unchanged)");
  }
  std::vector<std::string> parts = absl::StrSplit(decoded, absl::MaxSplits('\n', 2));
  if (parts.size() != 3 || parts[0] != kTokenVersion || parts[2].empty()) {
    return absl::InvalidArgumentError("page_token: not a page token (pass next_page_token unchanged)");
  }
  if (parts[1] != scope) {
    return absl::InvalidArgumentError(
        "page_token: issued for another list or other filters; repeat the request that returned it");
  }
  query.after = parts[2];
  return query;
}

}  // namespace fta
