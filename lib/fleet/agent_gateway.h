// AgentGateway service: the server side of every agent's Connect stream.
//
// Callback API: one reactor per stream, no thread per agent. Writes are
// queued (one in flight at a time, as gRPC requires); the first message of a
// stream must be a hello, which the AgentRegistry accepts or refuses, given
// the FTA id of the peer's client certificate when the connection is TLS.
//
// Limits (the endpoint faces anything that can connect): at most
// `max_streams` streams at once (more are RESOURCE_EXHAUSTED at once), and a
// stream that has not said hello within `hello_timeout` is ended
// (DEADLINE_EXCEEDED). One stream per connection and the connection-level
// deadlines are the server's channel arguments (lib/daemon/agent_endpoint.h).
#pragma once

#include <memory>

#include "absl/time/time.h"
#include "fta/agent/v1/agent.grpc.pb.h"
#include "lib/core/clock.h"
#include "lib/fleet/agent_registry.h"

namespace fta::hostd {

class StreamWatch;

class AgentGatewayService final : public fta::agent::v1::AgentGateway::CallbackService {
 public:
  struct Options {
    absl::Duration hello_timeout = absl::Seconds(10);
    int max_streams = 1024;
  };
  // `registry` and `clock` are not owned and must outlive the service.
  AgentGatewayService(AgentRegistry* registry, Options options, const Clock* clock);
  ~AgentGatewayService() override;

  grpc::ServerBidiReactor<fta::agent::v1::AgentMessage, fta::agent::v1::HostMessage>* Connect(
      grpc::CallbackServerContext* context) override;

 private:
  AgentRegistry* registry_;  // not owned
  std::unique_ptr<StreamWatch> watch_;
};

}  // namespace fta::hostd
