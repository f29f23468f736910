#include "lib/services/control_services.h"

#include <unistd.h>

#include <thread>

#include "absl/strings/str_cat.h"
#include "lib/core/rpc_status.h"
#include "lib/services/request_limits.h"
#include "lib/core/status_macros.h"
#include "lib/fleet/fta_kinds.h"
#include "lib/services/paged_response.h"
#include "lib/services/stream_events.h"

namespace fta::hostd {
namespace {

std::string Hostname() {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0) return "unknown";
  return name;
}

}  // namespace

grpc::Status HostServiceImpl::GetHost(grpc::ServerContext*, const fta::v1::GetHostRequest*,
                                      fta::v1::HostInfo* response) {
  response->set_hostname(Hostname());
  response->set_daemon_version(facts_.daemon_version);
  response->set_backend(BackendOf(facts_.backend));
  response->set_cpu_cores(static_cast<int32_t>(std::thread::hardware_concurrency()));
  response->set_memory_bytes(static_cast<int64_t>(sysconf(_SC_PHYS_PAGES)) * sysconf(_SC_PAGESIZE));
  response->set_max_ftas(ftas_->max_ftas());
  response->set_ftas_active(ftas_->ActiveCount());
  response->set_agents_connected(static_cast<int32_t>(registry_->ConnectedIds().size()));
  response->set_state_dir(facts_.state_dir);
  response->set_control_socket(facts_.control_socket);
  response->set_agent_endpoint(facts_.agent_endpoint);
  response->set_started_unix_ms(facts_.started_unix_ms);
  response->set_sriov_status(facts_.sriov_status);
  if (facts_.describe_vfs) facts_.describe_vfs(response);
  return grpc::Status::OK;
}

grpc::Status FtaServiceImpl::AllocateFtas(grpc::ServerContext*, const fta::v1::AllocateFtasRequest* request,
                                           fta::v1::AllocateFtasResponse* response) {
  FTA_RPC_CHECK_LIMITS(request);
  if (request->connect_timeout_s() < 0) {
    return Invalid(absl::StrCat("connect_timeout_s: must not be negative, got ", request->connect_timeout_s()));
  }
  absl::StatusOr<std::vector<fta::v1::Fta>> ftas =
      ftas_->Allocate(request->count(), absl::Seconds(request->connect_timeout_s()), request->kind(),
                      request->owner());
  if (!ftas.ok()) return ToGrpcStatus(ftas.status());
  for (auto& fta : *ftas) *response->add_ftas() = fta;
  return grpc::Status::OK;
}

grpc::Status FtaServiceImpl::ListFtas(grpc::ServerContext*, const fta::v1::ListFtasRequest* request,
                                      fta::v1::ListFtasResponse* response) {
  FTA_RPC_CHECK_LIMITS(request);
  // The filters are part of the token's scope: a token of the live list does
  // not continue the list with released FTAs, nor one owner's another's.
  // One owner's FTAs are few (a job's): filtered and paged in memory.
  const std::string scope = absl::StrCat(request->include_released() ? "ftas:all" : "ftas:active",
                                         request->owner().empty() ? "" : ":owner=", request->owner());
  return ServePage<fta::v1::Fta>(
      *request, scope,
      [&](const PageQuery& query) -> absl::StatusOr<Page<fta::v1::Fta>> {
        if (request->owner().empty()) return ftas_->List(request->include_released(), query);
        FTA_ASSIGN_OR_RETURN(std::vector<fta::v1::Fta> owned,
                             ftas_->ListOwner(request->include_released(), request->owner()));
        return PageOf(owned, query, [](const fta::v1::Fta& fta) { return fta.id(); });
      },
      [](fta::v1::ListFtasResponse* r) { return r->add_ftas(); }, [](const fta::v1::Fta& fta) { return fta.id(); },
      response);
}

grpc::Status FtaServiceImpl::GetFta(grpc::ServerContext*, const fta::v1::GetFtaRequest* request,
                                    fta::v1::Fta* response) {
  FTA_RPC_CHECK_LIMITS(request);
  if (request->id().empty()) return Invalid("id: required");
  return Reply(ftas_->Get(request->id()), response);
}

grpc::Status FtaServiceImpl::ReleaseFtas(grpc::ServerContext*, const fta::v1::ReleaseFtasRequest* request,
                                          fta::v1::ReleaseFtasResponse* response) {
  FTA_RPC_CHECK_LIMITS(request);
  std::vector<std::string> ids(request->ids().begin(), request->ids().end());
  if (!request->owner().empty() && (request->all() || !ids.empty())) {
    return Invalid("owner: give an owner, FTA ids or all, not several");
  }
  absl::StatusOr<std::vector<std::string>> released =
      request->owner().empty() ? ftas_->Release(ids, request->all()) : ftas_->ReleaseOwner(request->owner());
  if (!released.ok()) return ToGrpcStatus(released.status());
  for (auto& id : *released) response->add_released(id);
  return grpc::Status::OK;
}

grpc::Status FtaServiceImpl::WaitFtasReady(grpc::ServerContext*, const fta::v1::WaitFtasReadyRequest* request,
                                            fta::v1::WaitFtasReadyResponse* response) {
  FTA_RPC_CHECK_LIMITS(request);
  if (request->timeout_s() < 0) {
    return Invalid(absl::StrCat("timeout_s: must not be negative, got ", request->timeout_s()));
  }
  std::vector<std::string> ids(request->ids().begin(), request->ids().end());
  absl::StatusOr<std::vector<fta::v1::Fta>> ftas = ftas_->WaitReady(ids, absl::Seconds(request->timeout_s()));
  if (!ftas.ok()) return ToGrpcStatus(ftas.status());
  for (auto& fta : *ftas) *response->add_ftas() = fta;
  return grpc::Status::OK;
}

grpc::ServerWriteReactor<fta::v1::JobEvent>* JobServiceImpl::RunIor(grpc::CallbackServerContext*,
                                                                    const fta::v1::RunIorRequest* request) {
  return CheckedStream<fta::v1::JobEvent>(*request, nullptr,
                                          [&] { return StreamStarted<fta::v1::JobEvent>(jobs_->Start(*request)); });
}

grpc::ServerWriteReactor<fta::v1::JobEvent>* JobServiceImpl::WatchJob(grpc::CallbackServerContext*,
                                                                      const fta::v1::WatchJobRequest* request) {
  return CheckedStream<fta::v1::JobEvent>(*request, &request->id(),
                                          [&] { return StreamWatched(jobs_->Watch(request->id())); });
}

grpc::Status JobServiceImpl::ListJobs(grpc::ServerContext*, const fta::v1::ListJobsRequest* request,
                                      fta::v1::ListJobsResponse* response) {
  FTA_RPC_CHECK_LIMITS(request);
  return ServePage<fta::v1::Job>(
      *request, "jobs", [&](const PageQuery& query) { return store_->ListJobs(query); },
      [](fta::v1::ListJobsResponse* r) { return r->add_jobs(); }, [](const fta::v1::Job& job) { return job.id(); },
      response);
}

grpc::Status JobServiceImpl::GetJob(grpc::ServerContext*, const fta::v1::GetJobRequest* request,
                                    fta::v1::Job* response) {
  FTA_RPC_CHECK_LIMITS(request);
  if (request->id().empty()) return Invalid("id: required");
  return Reply(store_->GetJob(request->id()), response);
}

grpc::Status JobServiceImpl::CancelJob(grpc::ServerContext*, const fta::v1::CancelJobRequest* request,
                                       fta::v1::Job* response) {
  FTA_RPC_CHECK_LIMITS(request);
  if (request->id().empty()) return Invalid("id: required");
  return Reply(jobs_->Cancel(request->id()), response);
}

}  // namespace fta::hostd
