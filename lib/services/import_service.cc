#include "lib/services/import_service.h"

#include "absl/strings/str_cat.h"
#include "lib/core/rpc_status.h"
#include "lib/jobs/ior_import.h"
#include "spdlog/spdlog.h"

namespace fta::hostd {

grpc::Status ImportServiceImpl::ImportIorOutput(grpc::ServerContext*, const fta::v1::ImportIorOutputRequest* request,
                                                fta::v1::Job* response) {
  const std::string name = request->name().empty() ? "(unnamed)" : request->name();
  if (request->content().empty()) {
    return fta::ToGrpcStatus(absl::InvalidArgumentError(absl::StrCat("content: ", name, " is empty")));
  }
  if (request->content().size() > kMaxImportBytes) {
    return fta::ToGrpcStatus(absl::InvalidArgumentError(absl::StrCat("content: ", name, " is larger than ",
                                                                kMaxImportBytes, " bytes")));
  }
  absl::StatusOr<fta::v1::Job> job = JobFromIorOutput(request->content(), name, clock_->NowUnixMillis());
  if (!job.ok()) return fta::ToGrpcStatus(job.status());
  absl::StatusOr<std::string> id = store_->NextJobId();
  if (!id.ok()) return fta::ToGrpcStatus(id.status());
  job->set_id(*id);
  if (absl::Status stored = store_->PutImportedJob(*job); !stored.ok()) return fta::ToGrpcStatus(stored);
  absl::StatusOr<fta::v1::Job> stored = store_->GetJob(*id);
  if (!stored.ok()) return fta::ToGrpcStatus(stored.status());
  spdlog::info("{}: imported IOR {} output {} ({} rows)", *id, job->ior_version(), name, job->aggregates_size());
  *response = *std::move(stored);
  return grpc::Status::OK;
}

}  // namespace fta::hostd
