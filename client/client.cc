#include "client/client.h"

#include <algorithm>
#include <iostream>

#include "client/follow_stream.h"
#include "lib/cli/args.h"
#include "lib/cli/job_format.h"
#include "lib/cli/job_stream.h"
#include "lib/cli/paging.h"

namespace fta::client {
namespace {

// Allocate returns only once every agent has connected, which for a KVM
// guest means a boot; the generic --timeout would cut that short. Without an
// explicit --timeout the call may take the connect timeout plus this margin.
constexpr std::chrono::seconds kAllocateMargin{30};
// When the daemon's own connect default applies (we do not know it).
constexpr std::chrono::seconds kAllocateDefault{600};

}  // namespace

Client::Client(cli::ConnectionOptions options)
    : connection_(std::move(options)),
      hosts_(v1::HostService::NewStub(connection_.channel())),
      ftas_(v1::FtaService::NewStub(connection_.channel())),
      jobs_(v1::JobService::NewStub(connection_.channel())) {}

int Client::HostShow() {
  return connection_.Show(*hosts_, &v1::HostService::Stub::GetHost, v1::GetHostRequest(),
                          [&](const v1::HostInfo& host) { return cli::RenderHost(host, connection_.format()); });
}

int Client::FtaAllocate(int32_t count, int32_t connect_timeout_s, v1::FtaKind kind, const std::string& owner) {
  std::chrono::milliseconds timeout = connection_.options().timeout;
  if (!connection_.options().timeout_given) {
    std::chrono::milliseconds wait =
        connect_timeout_s > 0 ? std::chrono::seconds(connect_timeout_s) + kAllocateMargin
                              : std::chrono::milliseconds(kAllocateDefault);
    timeout = std::max(timeout, wait);
  }
  v1::AllocateFtasRequest request;
  request.set_count(count);
  request.set_connect_timeout_s(connect_timeout_s);
  request.set_kind(kind);
  request.set_owner(owner);
  return connection_.Show(
      *ftas_, &v1::FtaService::Stub::AllocateFtas, request,
      [&](const v1::AllocateFtasResponse& response) { return cli::RenderFtaList(response.ftas(), connection_.format()); },
      timeout);
}

int Client::FtaList(bool include_released, const std::string& owner) {
  v1::ListFtasRequest request;
  request.set_include_released(include_released);
  request.set_owner(owner);
  return cli::ShowAll(
      connection_, 0, request, &v1::FtaService::Stub::ListFtas, *ftas_,
      [](v1::ListFtasResponse& page) { return page.mutable_ftas(); },
      [&](const v1::ListFtasResponse& all) { return cli::RenderFtaList(all.ftas(), connection_.format()); });
}

int Client::FtaShow(const std::string& id) {
  v1::GetFtaRequest request;
  request.set_id(id);
  return connection_.Show(*ftas_, &v1::FtaService::Stub::GetFta, request,
                          [&](const v1::Fta& fta) { return cli::RenderFtaDetail(fta, connection_.format()); });
}

int Client::FtaRelease(const std::vector<std::string>& ids, bool all, const std::string& owner) {
  v1::ReleaseFtasRequest request;
  for (const std::string& id : ids) request.add_ids(id);
  request.set_all(all);
  request.set_owner(owner);
  return connection_.Show(*ftas_, &v1::FtaService::Stub::ReleaseFtas, request,
                          [](const v1::ReleaseFtasResponse& response) { return cli::RenderReleased(response); });
}

int Client::FollowJob(grpc::ClientReader<v1::JobEvent>& reader) {
  return FollowToEnd<cli::JobEventView>(
      connection_, reader, "job", [&](const v1::Job& job) { return cli::RenderJobDetail(job, connection_.format()); },
      [](const v1::Job& job) {
        return ReportEnding(cli::ExitCodeForJob(job), "job", job.id(), cli::JobStateName(job.state()), job.error());
      });
}

int Client::IorRun(const v1::RunIorRequest& request) {
  return FollowStream(*jobs_, &v1::JobService::Stub::RunIor, request,
                      [this](grpc::ClientReader<v1::JobEvent>& reader) { return FollowJob(reader); });
}

int Client::JobWatch(const std::string& id) {
  v1::WatchJobRequest request;
  request.set_id(id);
  return FollowStream(*jobs_, &v1::JobService::Stub::WatchJob, request,
                      [this](grpc::ClientReader<v1::JobEvent>& reader) { return FollowJob(reader); });
}

int Client::JobList(int32_t limit) {
  return cli::ShowAll(
      connection_, limit, v1::ListJobsRequest(), &v1::JobService::Stub::ListJobs, *jobs_,
      [](v1::ListJobsResponse& page) { return page.mutable_jobs(); },
      [&](const v1::ListJobsResponse& all) { return cli::RenderJobList(all.jobs(), connection_.format()); });
}

int Client::JobShow(const std::string& id) {
  v1::GetJobRequest request;
  request.set_id(id);
  return connection_.Show(*jobs_, &v1::JobService::Stub::GetJob, request,
                          [&](const v1::Job& job) { return cli::RenderJobDetail(job, connection_.format()); });
}

int Client::JobCancel(const std::string& id) {
  v1::CancelJobRequest request;
  request.set_id(id);
  return connection_.Show(*jobs_, &v1::JobService::Stub::CancelJob, request,
                          [&](const v1::Job& job) { return cli::RenderJobDetail(job, connection_.format()); });
}

}  // namespace fta::client
