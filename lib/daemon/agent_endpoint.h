// The agent endpoint: where fta-agents dial in, with its security and its
// limits. fta-hostd faces anything that can reach that address, so:
//
// - TCP (agents.listen = HOST:PORT) is mutual TLS unless agents.insecure_tcp:
//   a CA of the daemon's own under <state_dir>/pki (lib/pki), a server
//   certificate naming agents.tls_names (re-issued at every start), a
//   client certificate per FTA; the server requires and verifies it against
//   <pki>/trusted-clients.pem and the CRLs in agents.crl_dir, re-reading
//   those files every agents.tls_refresh_s (rotation without a restart).
// - Unix sockets (agents.listen, container.agent_listen) rely on the FTA's
//   own token (a file only root and the FTA can read).
// - One stream per connection, connections that do not finish their
//   handshake or open no stream within agents.hello_timeout_s are closed.
//
//   FTA_ASSIGN_OR_RETURN(AgentPki pki, SetUpAgentPki(config, &clock));
//   FTA_ASSIGN_OR_RETURN(server_, ServeAgents(config, pki, gateway.get()));
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/status/statusor.h"
#include "lib/config/config.h"
#include "lib/core/clock.h"
#include "lib/daemon/liveness.h"
#include "lib/pki/agent_credentials.h"
#include "lib/pki/certificate_authority.h"

namespace fta::hostd {

struct AgentPki {
  std::string dir;        // <state_dir>/pki
  std::string crl_dir;    // agents.crl_dir
  bool tls = false;       // the TCP endpoint speaks mTLS
  std::unique_ptr<pki::CertificateAuthority> ca;       // set when tls
  std::unique_ptr<pki::AgentCredentials> credentials;  // always
};

// True when agents.listen is HOST:PORT.
bool IsTcpEndpoint(const std::string& listen);

// The names the server certificate carries: agents.tls_names, else
// localhost, 127.0.0.1, ::1, this host's name, the host of agents.listen and
// the host guests dial (GuestAgentEndpoint).
std::vector<std::string> AgentTlsNames(const HostdConfig& config);

// Creates or loads the CA, issues the server certificate, makes sure the
// CRL directory holds this CA's list. Credentials only (no CA) on a unix
// endpoint or with agents.insecure_tcp.
absl::StatusOr<AgentPki> SetUpAgentPki(const HostdConfig& config, const Clock* clock);

// Builds and starts the agent server (agents.listen, and
// container.agent_listen when that differs). A socket file is removed
// first only when nothing answers on it.
absl::StatusOr<std::unique_ptr<grpc::Server>> ServeAgents(const HostdConfig& config, const AgentPki& pki,
                                                           grpc::Service* gateway);

// `fta-hostd --revoke-cert FILE`: adds the certificate's serial to the CA's
// CRL in agents.crl_dir; the running daemon refuses it within
// agents.tls_refresh_s.
absl::Status RevokeAgentCertificate(const HostdConfig& config, const std::string& cert_file, const Clock* clock);

// With mTLS on the agent endpoint, the liveness probe dials it as a client
// of hostd's CA (a certificate of its own, never an FTA's: it sends no
// hello), so "the listener answers" means a completed TLS handshake.
absl::Status AddTlsToProbe(const HostdConfig& config, const AgentPki& pki, LivenessProbe* probe);

}  // namespace fta::hostd
