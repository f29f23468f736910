// Reading a paged List RPC to the end (or to --limit items), as `ftactl
// ... list` does: the daemon pages every list (page_size, page_token,
// next_page_token, as in Google's API design guide); operators want the
// whole list.
//
//   v1::ListJobsResponse all;
//   grpc::Status status = cli::ListAll(connection, limit, v1::ListJobsRequest(),
//                                      &v1::JobService::Stub::ListJobs, *stub,
//                                      [](v1::ListJobsResponse& r) { return r.mutable_jobs(); }, &all);
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>

#include <grpcpp/support/status.h>

#include "lib/cli/connection.h"
#include "lib/core/paging.h"

namespace fta::cli {

// Calls `fetch(token, page_size, &page)` page after page: `all` starts as
// the first page (so fields beside the items, like ListVfsResponse's PFs,
// are kept) and gets each further page's items (`items(page)`, a
// RepeatedPtrField*) appended, until the daemon has no next page or `limit`
// items are there (limit <= 0: no limit).
// `all` ends with the token of the page after the last one read ("" when
// everything was read). Stops at the first error and returns it.
template <typename Response, typename Fetch, typename Items>
grpc::Status CollectPages(int32_t limit, Fetch fetch, Items items, Response* all) {
  all->Clear();
  std::string token;
  bool first = true;
  while (true) {
    int32_t have = items(*all)->size();
    int32_t page_size = limit > 0 ? std::min<int32_t>(limit - have, fta::kMaxPageSize) : 0;
    Response page;
    grpc::Status status = fetch(token, page_size, &page);
    if (!status.ok()) return status;
    token = page.next_page_token();
    if (first) {
      first = false;
      *all = std::move(page);
    } else {
      for (auto& item : *items(page)) *items(*all)->Add() = std::move(item);
    }
    if (limit > 0) {
      while (items(*all)->size() > limit) items(*all)->RemoveLast();
    }
    all->set_next_page_token(token);
    if (token.empty() || (limit > 0 && items(*all)->size() >= limit)) return grpc::Status::OK;
  }
}

// CollectPages over one List RPC of `stub`: `request` (its filters set) is
// sent page after page, each call with --timeout as deadline.
//
//   cli::ListAll(connection, limit, v1::ListJobsRequest(), &v1::JobService::Stub::ListJobs, *stub,
//                [](v1::ListJobsResponse& r) { return r.mutable_jobs(); }, &all);
template <typename Stub, typename Request, typename Response, typename Items>
grpc::Status ListAll(const Connection& connection, int32_t limit, Request request,
                     grpc::Status (Stub::*list)(grpc::ClientContext*, const Request&, Response*), Stub& stub,
                     Items items, Response* all) {
  auto fetch = [&](const std::string& token, int32_t page_size, Response* page) {
    request.set_page_token(token);
    request.set_page_size(page_size);
    grpc::ClientContext context;
    connection.SetDeadline(context);
    return (stub.*list)(&context, request, page);
  };
  return CollectPages(limit, fetch, items, all);
}

// ListAll, then the whole list printed with `table(items)` (`items` as
// `items(all)` gives them), or the error.
template <typename Stub, typename Request, typename Response, typename Items, typename Table>
int ShowAll(const Connection& connection, int32_t limit, Request request,
            grpc::Status (Stub::*list)(grpc::ClientContext*, const Request&, Response*), Stub& stub, Items items,
            Table table) {
  Response all;
  grpc::Status status = ListAll(connection, limit, std::move(request), list, stub, items, &all);
  if (!status.ok()) return connection.Fail(status);
  return connection.Emit(all, [&] { return table(all); });
}

}  // namespace fta::cli
