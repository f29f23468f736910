// One page of a List call, the same way for every list the store holds:
// resolve page_size and page_token (lib/core/paging.h), read the page, copy
// its items and the next token into the response.
//
//   return ServePage<fta::v1::Job>(*request, "jobs", [&](const PageQuery& q) { return store_->ListJobs(q); },
//                                  [](fta::v1::ListJobsResponse* r) { return r->add_jobs(); },
//                                  [](const fta::v1::Job& job) { return job.id(); }, response);
#pragma once

#include <string>
#include <utility>

#include <grpcpp/support/status.h>

#include "lib/core/paging.h"
#include "lib/core/rpc_status.h"

namespace fta::hostd {

// `scope` names the list and its filters, so a token of one list is refused
// by another (INVALID_ARGUMENT naming page_token).
template <typename T, typename Request, typename Response, typename Read, typename Add, typename IdOf>
grpc::Status ServePage(const Request& request, const std::string& scope, Read read, Add add, IdOf id_of,
                       Response* response) {
  absl::StatusOr<PageQuery> query = ResolvePage(request.page_size(), request.page_token(), scope);
  if (!query.ok()) return ToGrpcStatus(query.status());
  absl::StatusOr<Page<T>> page = read(*query);
  if (!page.ok()) return ToGrpcStatus(page.status());
  // The token first: it names the last item, which the loop moves out.
  response->set_next_page_token(NextPageToken(scope, *page, id_of));
  for (T& item : page->items) *add(response) = std::move(item);
  return grpc::Status::OK;
}

}  // namespace fta::hostd
