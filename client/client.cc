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
  grpc::ClientContext context;
  connection_.SetDeadline(context);
  v1::HostInfo host;
  grpc::Status status = hosts_->GetHost(&context, v1::GetHostRequest(), &host);
  if (!status.ok()) return connection_.Fail(status);
  return connection_.Emit(host, [&] { return cli::RenderHost(host, connection_.format()); });
}

int Client::FtaAllocate(int32_t count, int32_t connect_timeout_s, v1::FtaKind kind) {
  grpc::ClientContext context;
  std::chrono::milliseconds timeout = connection_.options().timeout;
  if (!connection_.options().timeout_given) {
    std::chrono::milliseconds wait =
        connect_timeout_s > 0 ? std::chrono::seconds(connect_timeout_s) + kAllocateMargin
                              : std::chrono::milliseconds(kAllocateDefault);
    timeout = std::max(timeout, wait);
  }
  connection_.SetDeadline(context, timeout);
  v1::AllocateFtasRequest request;
  request.set_count(count);
  request.set_connect_timeout_s(connect_timeout_s);
  request.set_kind(kind);
  v1::AllocateFtasResponse response;
  grpc::Status status = ftas_->AllocateFtas(&context, request, &response);
  if (!status.ok()) return connection_.Fail(status);
  return connection_.Emit(response, [&] { return cli::RenderFtaList(response.ftas(), connection_.format()); });
}

int Client::FtaList(bool include_released) {
  v1::ListFtasRequest request;
  request.set_include_released(include_released);
  v1::ListFtasResponse all;
  grpc::Status status = cli::ListAll(connection_, 0, request, &v1::FtaService::Stub::ListFtas, *ftas_,
                                     [](v1::ListFtasResponse& page) { return page.mutable_ftas(); }, &all);
  if (!status.ok()) return connection_.Fail(status);
  return connection_.Emit(all, [&] { return cli::RenderFtaList(all.ftas(), connection_.format()); });
}

int Client::FtaShow(const std::string& id) {
  grpc::ClientContext context;
  connection_.SetDeadline(context);
  v1::GetFtaRequest request;
  request.set_id(id);
  v1::Fta fta;
  grpc::Status status = ftas_->GetFta(&context, request, &fta);
  if (!status.ok()) return connection_.Fail(status);
  return connection_.Emit(fta, [&] { return cli::RenderFtaDetail(fta, connection_.format()); });
}

int Client::FtaRelease(const std::vector<std::string>& ids, bool all) {
  grpc::ClientContext context;
  connection_.SetDeadline(context);
  v1::ReleaseFtasRequest request;
  for (const std::string& id : ids) request.add_ids(id);
  request.set_all(all);
  v1::ReleaseFtasResponse response;
  grpc::Status status = ftas_->ReleaseFtas(&context, request, &response);
  if (!status.ok()) return connection_.Fail(status);
  return connection_.Emit(response, [&] { return cli::RenderReleased(response); });
}

int Client::FollowJob(grpc::ClientReader<v1::JobEvent>& reader) {
  cli::JobEventView view(std::cerr, connection_.options().live ? cli::JobEventView::Mode::kLive
                                                               : cli::JobEventView::Mode::kQuiet);
  grpc::Status status = ReadEvents(reader, view);
  if (!view.finished()) return ReportUnfinished(status, "job", view.job_id());
  // The finished event is the verdict; a transport error after it changes nothing.
  const v1::Job& job = *view.finished();
  int printed = connection_.Emit(job, [&] { return cli::RenderJobDetail(job, connection_.format()); });
  if (printed != cli::kExitOk) return printed;
  return ReportEnding(cli::ExitCodeForJob(job), "job", job.id(), cli::JobStateName(job.state()), job.error());
}

int Client::IorRun(const v1::RunIorRequest& request) {
  grpc::ClientContext context;
  std::unique_ptr<grpc::ClientReader<v1::JobEvent>> reader = jobs_->RunIor(&context, request);
  return FollowJob(*reader);
}

int Client::JobWatch(const std::string& id) {
  grpc::ClientContext context;
  v1::WatchJobRequest request;
  request.set_id(id);
  std::unique_ptr<grpc::ClientReader<v1::JobEvent>> reader = jobs_->WatchJob(&context, request);
  return FollowJob(*reader);
}

int Client::JobList(int32_t limit) {
  v1::ListJobsResponse all;
  grpc::Status status = cli::ListAll(connection_, limit, v1::ListJobsRequest(), &v1::JobService::Stub::ListJobs,
                                     *jobs_, [](v1::ListJobsResponse& page) { return page.mutable_jobs(); }, &all);
  if (!status.ok()) return connection_.Fail(status);
  return connection_.Emit(all, [&] { return cli::RenderJobList(all.jobs(), connection_.format()); });
}

int Client::JobShow(const std::string& id) {
  grpc::ClientContext context;
  connection_.SetDeadline(context);
  v1::GetJobRequest request;
  request.set_id(id);
  v1::Job job;
  grpc::Status status = jobs_->GetJob(&context, request, &job);
  if (!status.ok()) return connection_.Fail(status);
  return connection_.Emit(job, [&] { return cli::RenderJobDetail(job, connection_.format()); });
}

int Client::JobCancel(const std::string& id) {
  grpc::ClientContext context;
  connection_.SetDeadline(context);
  v1::CancelJobRequest request;
  request.set_id(id);
  v1::Job job;
  grpc::Status status = jobs_->CancelJob(&context, request, &job);
  if (!status.ok()) return connection_.Fail(status);
  return connection_.Emit(job, [&] { return cli::RenderJobDetail(job, connection_.format()); });
}

}  // namespace fta::client
