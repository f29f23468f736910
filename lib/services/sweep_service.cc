#include "lib/services/sweep_service.h"

#include "absl/strings/str_cat.h"
#include "lib/core/rpc_status.h"
#include "lib/services/request_limits.h"
#include "lib/services/paged_response.h"
#include "lib/services/stream_events.h"

namespace fta::hostd {

using fta::v1::SweepEvent;

grpc::ServerWriteReactor<SweepEvent>* SweepServiceImpl::StartSweep(grpc::CallbackServerContext*,
                                                                   const fta::v1::StartSweepRequest* request) {
  return CheckedStream<SweepEvent>(*request, nullptr,
                                   [&] { return StreamStarted<SweepEvent>(sweeps_->Start(request->spec())); });
}

grpc::ServerWriteReactor<SweepEvent>* SweepServiceImpl::ResumeSweep(grpc::CallbackServerContext*,
                                                                    const fta::v1::ResumeSweepRequest* request) {
  return CheckedStream<SweepEvent>(*request, &request->id(),
                                   [&] { return StreamStarted<SweepEvent>(sweeps_->Resume(request->id())); });
}

grpc::ServerWriteReactor<SweepEvent>* SweepServiceImpl::WatchSweep(grpc::CallbackServerContext*,
                                                                   const fta::v1::WatchSweepRequest* request) {
  return CheckedStream<SweepEvent>(*request, &request->id(),
                                   [&] { return StreamWatched(sweeps_->Watch(request->id())); });
}

grpc::Status SweepServiceImpl::GetSweep(grpc::ServerContext*, const fta::v1::GetSweepRequest* request,
                                        fta::v1::Sweep* response) {
  FTA_RPC_CHECK_LIMITS(request);
  if (request->id().empty()) return Invalid("id: required");
  return Reply(sweeps_->Get(request->id()), response);
}

grpc::Status SweepServiceImpl::ListSweeps(grpc::ServerContext*, const fta::v1::ListSweepsRequest* request,
                                          fta::v1::ListSweepsResponse* response) {
  FTA_RPC_CHECK_LIMITS(request);
  return ServePage<fta::v1::Sweep>(
      *request, "sweeps", [&](const PageQuery& query) { return sweeps_->List(query); },
      [](fta::v1::ListSweepsResponse* r) { return r->add_sweeps(); },
      [](const fta::v1::Sweep& sweep) { return sweep.id(); }, response);
}

grpc::Status SweepServiceImpl::CancelSweep(grpc::ServerContext*, const fta::v1::CancelSweepRequest* request,
                                           fta::v1::Sweep* response) {
  FTA_RPC_CHECK_LIMITS(request);
  if (request->id().empty()) return Invalid("id: required");
  return Reply(sweeps_->Cancel(request->id()), response);
}

}  // namespace fta::hostd
