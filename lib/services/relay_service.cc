#include "lib/services/relay_service.h"

#include "lib/core/rpc_status.h"

namespace fta::hostd {

grpc::Status MpiRelayService::Exec(grpc::ServerContext* context, const fta::agent::v1::RelayExecRequest* request,
                                   grpc::ServerWriter<fta::agent::v1::RelayExecEvent>* writer) {
  return ToGrpcStatus(broker_->Exec(
      *request, [writer](const fta::agent::v1::RelayExecEvent& event) { return writer->Write(event); },
      [context] { return context->IsCancelled(); }));
}

}  // namespace fta::hostd
