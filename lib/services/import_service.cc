#include "lib/services/import_service.h"

#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "lib/core/rpc_status.h"
#include "lib/services/request_limits.h"
#include "lib/jobs/ior_import.h"
#include "lib/jobs/job_merge.h"
#include "spdlog/spdlog.h"

namespace fta::hostd {

grpc::Status ImportServiceImpl::ImportIorOutput(grpc::ServerContext*, const fta::v1::ImportIorOutputRequest* request,
                                                fta::v1::ImportIorOutputResponse* response) {
  FTA_RPC_CHECK_LIMITS(request);
  const std::string name = request->name().empty() ? "(unnamed)" : request->name();
  const std::string ranks_name = request->rank_details_name().empty() ? "(per-rank CSV)" : request->rank_details_name();
  if (request->content().empty()) {
    return fta::ToGrpcStatus(absl::InvalidArgumentError(absl::StrCat("content: ", name, " is empty")));
  }
  for (const auto& [field, file, size] : {std::tuple{"content", name, request->content().size()},
                                          std::tuple{"rank_details", ranks_name, request->rank_details().size()}}) {
    if (size > kMaxImportBytes) {
      return fta::ToGrpcStatus(
          absl::InvalidArgumentError(absl::StrCat(field, ": ", file, " is larger than ", kMaxImportBytes, " bytes")));
    }
  }
  absl::StatusOr<std::vector<fta::v1::Job>> jobs =
      JobsFromIorOutput({request->content(), name, request->rank_details(), ranks_name}, clock_->NowUnixMillis());
  if (!jobs.ok()) return fta::ToGrpcStatus(jobs.status());
  for (fta::v1::Job& job : *jobs) {
    absl::StatusOr<std::string> id = store_->NextJobId();
    if (!id.ok()) return fta::ToGrpcStatus(id.status());
    job.set_id(*id);
  }
  if (absl::Status stored = store_->PutImportedJobs(*jobs); !stored.ok()) return fta::ToGrpcStatus(stored);
  for (const fta::v1::Job& job : *jobs) {
    absl::StatusOr<fta::v1::Job> stored = store_->GetJob(job.id());
    if (!stored.ok()) return fta::ToGrpcStatus(stored.status());
    spdlog::info("{}: imported IOR {} output {} ({} rows, {} rank rows)", job.id(), job.ior_version(), job.source(),
                 job.aggregates_size(), job.rank_results_size());
    *response->add_jobs() = *std::move(stored);
  }
  return grpc::Status::OK;
}

grpc::Status ImportServiceImpl::StoreMergedJob(grpc::ServerContext*, const fta::v1::StoreMergedJobRequest* request,
                                               fta::v1::MergedJob* response) {
  FTA_RPC_CHECK_LIMITS(request);
  std::vector<HostJobPart> parts;
  for (const fta::v1::HostJob& part : request->parts()) parts.push_back(HostJobPart{part.host(), part.job()});
  absl::StatusOr<fta::v1::MergedJob> merged = MergeHostJobs(parts);
  if (!merged.ok()) return fta::ToGrpcStatus(merged.status());
  absl::StatusOr<std::string> id = store_->NextJobId();
  if (!id.ok()) return fta::ToGrpcStatus(id.status());
  merged->mutable_job()->set_id(*id);
  if (absl::Status stored = store_->PutImportedJob(merged->job()); !stored.ok()) return fta::ToGrpcStatus(stored);
  absl::StatusOr<fta::v1::Job> stored = store_->GetJob(*id);
  if (!stored.ok()) return fta::ToGrpcStatus(stored.status());
  spdlog::info("{}: {} ({} hosts, cross-host start skew up to {:.3f} s)", *id, merged->job().source(),
               parts.size(), merged->max_skew_seconds());
  *merged->mutable_job() = *std::move(stored);
  *response = *std::move(merged);
  return grpc::Status::OK;
}

}  // namespace fta::hostd
