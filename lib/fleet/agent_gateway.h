// AgentGateway service: the server side of every agent's Connect stream.
//
// Callback API: one reactor per stream, no thread per agent. Writes are
// queued (one in flight at a time, as gRPC requires); the first message of a
// stream must be a hello, which the AgentRegistry accepts or refuses.
#pragma once

#include "fta/agent/v1/agent.grpc.pb.h"
#include "lib/fleet/agent_registry.h"

namespace fta::hostd {

class AgentGatewayService final : public fta::agent::v1::AgentGateway::CallbackService {
 public:
  explicit AgentGatewayService(AgentRegistry* registry) : registry_(registry) {}

  grpc::ServerBidiReactor<fta::agent::v1::AgentMessage, fta::agent::v1::HostMessage>* Connect(
      grpc::CallbackServerContext* context) override;

 private:
  AgentRegistry* registry_;  // not owned
};

}  // namespace fta::hostd
