#include "lib/services/sweep_service.h"

#include "absl/strings/str_cat.h"
#include "lib/core/rpc_status.h"
#include "lib/services/paged_response.h"
#include "lib/services/stream_events.h"

namespace fta::hostd {
namespace {

grpc::Status Invalid(const std::string& message) { return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, message); }

}  // namespace

grpc::Status SweepServiceImpl::StartSweep(grpc::ServerContext* context, const fta::v1::StartSweepRequest* request,
                                          grpc::ServerWriter<fta::v1::SweepEvent>* writer) {
  absl::StatusOr<SweepRunner::Started> started = sweeps_->Start(request->spec());
  if (!started.ok()) return ToGrpcStatus(started.status());
  return StreamEvents(context, started->events.get(), writer);
}

grpc::Status SweepServiceImpl::ResumeSweep(grpc::ServerContext* context, const fta::v1::ResumeSweepRequest* request,
                                           grpc::ServerWriter<fta::v1::SweepEvent>* writer) {
  if (request->id().empty()) return Invalid("id: required");
  absl::StatusOr<SweepRunner::Started> started = sweeps_->Resume(request->id());
  if (!started.ok()) return ToGrpcStatus(started.status());
  return StreamEvents(context, started->events.get(), writer);
}

grpc::Status SweepServiceImpl::WatchSweep(grpc::ServerContext* context, const fta::v1::WatchSweepRequest* request,
                                          grpc::ServerWriter<fta::v1::SweepEvent>* writer) {
  if (request->id().empty()) return Invalid("id: required");
  absl::StatusOr<std::shared_ptr<SweepEventQueue>> events = sweeps_->Watch(request->id());
  if (!events.ok()) return ToGrpcStatus(events.status());
  return StreamEvents(context, events->get(), writer);
}

grpc::Status SweepServiceImpl::GetSweep(grpc::ServerContext*, const fta::v1::GetSweepRequest* request,
                                        fta::v1::Sweep* response) {
  if (request->id().empty()) return Invalid("id: required");
  absl::StatusOr<fta::v1::Sweep> sweep = sweeps_->Get(request->id());
  if (!sweep.ok()) return ToGrpcStatus(sweep.status());
  *response = *sweep;
  return grpc::Status::OK;
}

grpc::Status SweepServiceImpl::ListSweeps(grpc::ServerContext*, const fta::v1::ListSweepsRequest* request,
                                          fta::v1::ListSweepsResponse* response) {
  return ServePage<fta::v1::Sweep>(
      *request, "sweeps", [&](const PageQuery& query) { return sweeps_->List(query); },
      [](fta::v1::ListSweepsResponse* r) { return r->add_sweeps(); },
      [](const fta::v1::Sweep& sweep) { return sweep.id(); }, response);
}

grpc::Status SweepServiceImpl::CancelSweep(grpc::ServerContext*, const fta::v1::CancelSweepRequest* request,
                                           fta::v1::Sweep* response) {
  if (request->id().empty()) return Invalid("id: required");
  absl::StatusOr<fta::v1::Sweep> sweep = sweeps_->Cancel(request->id());
  if (!sweep.ok()) return ToGrpcStatus(sweep.status());
  *response = *sweep;
  return grpc::Status::OK;
}

}  // namespace fta::hostd
