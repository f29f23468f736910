// Paging of the control API's List calls, as Google's API design guide
// describes it: the request carries page_size and page_token, the response
// next_page_token ("" on the last page). A token is opaque to clients; here
// it names the list it belongs to (its "scope": the list and its filters)
// and the id of the last item handed out, so the next page is read by key
// (WHERE key after that item), never by offset.
//
//   absl::StatusOr<PageQuery> query = ResolvePage(request.page_size(), request.page_token(), "jobs");
//   if (!query.ok()) return ToGrpcStatus(query.status());   // INVALID_ARGUMENT naming the field
//   Page<Job> page = store.ListJobs(*query);
//   response.set_next_page_token(NextPageToken("jobs", page));
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace fta {

inline constexpr int kDefaultPageSize = 100;  // page_size 0
inline constexpr int kMaxPageSize = 1000;     // larger page sizes are reduced to this

// One page to read: `size` (> 0) items after the item with id `after` ("":
// from the first).
struct PageQuery {
  int size = kDefaultPageSize;
  std::string after;
};

// A page read: its items in the list's order, and whether more follow.
template <typename T>
struct Page {
  std::vector<T> items;
  bool more = false;
};

// INVALID_ARGUMENT "page_size: ..." for a negative size; "page_token: ..."
// for a token that does not decode or was issued for another scope.
absl::StatusOr<PageQuery> ResolvePage(int32_t page_size, const std::string& page_token, const std::string& scope);

// The token that continues after item id `last_id` in `scope`.
std::string EncodePageToken(const std::string& scope, const std::string& last_id);

// next_page_token for `page`: "" when nothing follows, else the token after
// its last item (`id_of(item)` gives an item's id).
template <typename T, typename IdOf>
std::string NextPageToken(const std::string& scope, const Page<T>& page, IdOf id_of) {
  if (!page.more || page.items.empty()) return "";
  return EncodePageToken(scope, id_of(page.items.back()));
}

// Pages a list held in memory (already in its order), for lists that do not
// come from the store (VFs read from sysfs). An `after` id no longer in the
// list is INVALID_ARGUMENT naming page_token.
template <typename T, typename IdOf>
absl::StatusOr<Page<T>> PageOf(const std::vector<T>& all, const PageQuery& query, IdOf id_of) {
  size_t begin = 0;
  if (!query.after.empty()) {
    auto it = std::find_if(all.begin(), all.end(), [&](const T& item) { return id_of(item) == query.after; });
    if (it == all.end()) {
      return absl::InvalidArgumentError("page_token: the item it continues after is gone; list again from the start");
    }
    begin = static_cast<size_t>(it - all.begin()) + 1;
  }
  Page<T> page;
  size_t end = std::min(all.size(), begin + static_cast<size_t>(query.size));
  page.items.assign(all.begin() + static_cast<std::ptrdiff_t>(begin), all.begin() + static_cast<std::ptrdiff_t>(end));
  page.more = end < all.size();
  return page;
}

}  // namespace fta
