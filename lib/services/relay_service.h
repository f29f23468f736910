// MpiRelay service (proto/fta/agent/v1/relay.proto) on the control socket:
// fta-mpi-relay's calls, handed to the ExecBroker (lib/jobs/exec_broker.h).
// Synchronous: one server thread per relayed orted, for the job's length.
#pragma once

#include "fta/agent/v1/relay.grpc.pb.h"
#include "lib/jobs/exec_broker.h"

namespace fta::hostd {

class MpiRelayService final : public fta::agent::v1::MpiRelay::Service {
 public:
  explicit MpiRelayService(ExecBroker* broker) : broker_(broker) {}  // not owned

  grpc::Status Exec(grpc::ServerContext* context, const fta::agent::v1::RelayExecRequest* request,
                    grpc::ServerWriter<fta::agent::v1::RelayExecEvent>* writer) override;

 private:
  ExecBroker* broker_;
};

}  // namespace fta::hostd
