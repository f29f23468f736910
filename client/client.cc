#include "client/client.h"

#include <algorithm>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "client/follow_stream.h"
#include "client/print_json.h"
#include "lib/cli/args.h"
#include "lib/cli/job_format.h"
#include "lib/cli/job_stream.h"
#include "lib/cli/json.h"
#include "lib/core/rpc_status.h"

namespace fta::client {
namespace {

// Allocate returns only once every agent has connected, which for a KVM
// guest means a boot; the generic --timeout would cut that short. Without an
// explicit --timeout the call may take the connect timeout plus this margin.
constexpr std::chrono::seconds kAllocateMargin{30};
// When the daemon's own connect default applies (we do not know it).
constexpr std::chrono::seconds kAllocateDefault{600};

}  // namespace

Client::Client(ClientOptions options)
    : options_(std::move(options)),
      channel_(grpc::CreateChannel(options_.target, grpc::InsecureChannelCredentials())),
      hosts_(v1::HostService::NewStub(channel_)),
      vms_(v1::VmService::NewStub(channel_)),
      jobs_(v1::JobService::NewStub(channel_)) {}

void Client::SetDeadline(grpc::ClientContext& context, std::chrono::milliseconds timeout) const {
  context.set_deadline(std::chrono::system_clock::now() + timeout);
}

int Client::Emit(const google::protobuf::Message& message,
                 const std::function<std::string()>& table) {
  if (!options_.json) {
    std::cout << table() << std::flush;
    return cli::kExitOk;
  }
  return PrintJson(message);
}

int Client::Fail(const grpc::Status& status, const std::string& hint) {
  std::cerr << cli::FormatError(FromGrpcStatus(status)) << hint << '\n';
  return cli::kExitError;
}

int Client::HostShow() {
  grpc::ClientContext context;
  SetDeadline(context, options_.timeout);
  v1::HostInfo host;
  grpc::Status status = hosts_->GetHost(&context, v1::GetHostRequest(), &host);
  if (!status.ok()) return Fail(status);
  return Emit(host, [&] { return cli::RenderHost(host, format_); });
}

int Client::VmAllocate(int32_t count, int32_t connect_timeout_s) {
  grpc::ClientContext context;
  std::chrono::milliseconds timeout = options_.timeout;
  if (!options_.timeout_given) {
    std::chrono::milliseconds wait =
        connect_timeout_s > 0 ? std::chrono::seconds(connect_timeout_s) + kAllocateMargin
                              : std::chrono::milliseconds(kAllocateDefault);
    timeout = std::max(timeout, wait);
  }
  SetDeadline(context, timeout);
  v1::AllocateRequest request;
  request.set_count(count);
  request.set_connect_timeout_s(connect_timeout_s);
  v1::AllocateResponse response;
  grpc::Status status = vms_->Allocate(&context, request, &response);
  if (!status.ok()) return Fail(status);
  return Emit(response, [&] { return cli::RenderFtaList(response.ftas(), format_); });
}

int Client::VmList(bool include_released) {
  grpc::ClientContext context;
  SetDeadline(context, options_.timeout);
  v1::ListFtasRequest request;
  request.set_include_released(include_released);
  v1::ListFtasResponse response;
  grpc::Status status = vms_->List(&context, request, &response);
  if (!status.ok()) return Fail(status);
  return Emit(response, [&] { return cli::RenderFtaList(response.ftas(), format_); });
}

int Client::VmShow(const std::string& id) {
  grpc::ClientContext context;
  SetDeadline(context, options_.timeout);
  v1::GetFtaRequest request;
  request.set_id(id);
  v1::Fta fta;
  grpc::Status status = vms_->Get(&context, request, &fta);
  if (!status.ok()) return Fail(status);
  return Emit(fta, [&] { return cli::RenderFtaDetail(fta, format_); });
}

int Client::VmRelease(const std::vector<std::string>& ids, bool all) {
  grpc::ClientContext context;
  SetDeadline(context, options_.timeout);
  v1::ReleaseRequest request;
  for (const std::string& id : ids) request.add_ids(id);
  request.set_all(all);
  v1::ReleaseResponse response;
  grpc::Status status = vms_->Release(&context, request, &response);
  if (!status.ok()) return Fail(status);
  return Emit(response, [&] { return cli::RenderReleased(response); });
}

int Client::FollowJob(grpc::ClientReader<v1::JobEvent>& reader) {
  cli::JobEventView view(std::cerr, options_.live ? cli::JobEventView::Mode::kLive
                                                  : cli::JobEventView::Mode::kQuiet);
  grpc::Status status = ReadEvents(reader, view);
  if (!view.finished()) return ReportUnfinished(status, "job", view.job_id());
  // The finished event is the verdict; a transport error after it changes nothing.
  const v1::Job& job = *view.finished();
  int printed = Emit(job, [&] { return cli::RenderJobDetail(job, format_); });
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
  grpc::ClientContext context;
  SetDeadline(context, options_.timeout);
  v1::ListJobsRequest request;
  request.set_limit(limit);
  v1::ListJobsResponse response;
  grpc::Status status = jobs_->ListJobs(&context, request, &response);
  if (!status.ok()) return Fail(status);
  return Emit(response, [&] { return cli::RenderJobList(response.jobs(), format_); });
}

int Client::JobShow(const std::string& id) {
  grpc::ClientContext context;
  SetDeadline(context, options_.timeout);
  v1::GetJobRequest request;
  request.set_id(id);
  v1::Job job;
  grpc::Status status = jobs_->GetJob(&context, request, &job);
  if (!status.ok()) return Fail(status);
  return Emit(job, [&] { return cli::RenderJobDetail(job, format_); });
}

int Client::JobCancel(const std::string& id) {
  grpc::ClientContext context;
  SetDeadline(context, options_.timeout);
  v1::CancelJobRequest request;
  request.set_id(id);
  v1::Job job;
  grpc::Status status = jobs_->CancelJob(&context, request, &job);
  if (!status.ok()) return Fail(status);
  return Emit(job, [&] { return cli::RenderJobDetail(job, format_); });
}

}  // namespace fta::client
