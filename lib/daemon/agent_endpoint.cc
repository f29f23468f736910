#include "lib/daemon/agent_endpoint.h"

#include <grpcpp/security/credentials.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/security/tls_certificate_provider.h>
#include <grpcpp/security/tls_credentials_options.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "lib/core/status_macros.h"
#include "lib/daemon/libvirt_backend.h"
#include "lib/daemon/state_guard.h"
#include "spdlog/spdlog.h"

namespace fta::hostd {
namespace {

// "host:port" / "[v6]:port" -> host.
std::string HostOf(const std::string& address) {
  size_t colon = address.rfind(':');
  if (colon == std::string::npos) return "";
  std::string host = address.substr(0, colon);
  if (absl::StartsWith(host, "[") && absl::EndsWith(host, "]")) host = host.substr(1, host.size() - 2);
  return host;
}

absl::Status MakeDir(const std::string& path, const char* key) {
  std::error_code error;
  std::filesystem::create_directories(path, error);
  if (error) return absl::FailedPreconditionError(absl::StrCat(key, ": cannot create ", path, ": ", error.message()));
  return absl::OkStatus();
}

// A unix endpoint's directory exists and no stale socket file is in the way.
absl::Status PrepareUnixEndpoint(const std::string& endpoint, const char* key) {
  std::string path = endpoint.substr(5);
  FTA_RETURN_IF_ERROR(MakeDir(std::filesystem::path(path).parent_path().string(), key));
  return RemoveStaleSocket(path, key);
}

std::string CrlDir(const HostdConfig& config) {
  return config.agent_crl_dir.empty() ? config.state_dir + "/pki/crl" : config.agent_crl_dir;
}

std::shared_ptr<grpc::ServerCredentials> TlsCredentials(const HostdConfig& config, const AgentPki& pki) {
  using grpc::experimental::FileWatcherCertificateProvider;
  auto provider = std::make_shared<FileWatcherCertificateProvider>(
      pki.dir + "/server.key", pki.dir + "/server.pem", pki.dir + "/trusted-clients.pem",
      static_cast<unsigned int>(config.agent_tls_refresh_s));
  grpc::experimental::TlsServerCredentialsOptions options(provider);
  options.watch_root_certs();
  options.watch_identity_key_cert_pairs();
  options.set_cert_request_type(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  options.set_crl_directory(pki.crl_dir);
  return grpc::experimental::TlsServerCredentials(options);
}

std::string ThisHostname() {
  char name[256] = {};
  return gethostname(name, sizeof(name) - 1) == 0 ? std::string(name) : "";
}

}  // namespace

bool IsTcpEndpoint(const std::string& listen) { return !absl::StartsWith(listen, "unix:"); }

std::vector<std::string> AgentTlsNames(const HostdConfig& config) {
  if (!config.agent_tls_names.empty()) return config.agent_tls_names;
  std::vector<std::string> names = {"localhost", "127.0.0.1", "::1"};
  for (const std::string& host : {ThisHostname(), HostOf(config.agent_listen),
                                  config.backend == "libvirt" ? HostOf(GuestAgentEndpoint(config)) : ""}) {
    if (!host.empty() && std::find(names.begin(), names.end(), host) == names.end()) names.push_back(host);
  }
  return names;
}

absl::StatusOr<AgentPki> SetUpAgentPki(const HostdConfig& config, const Clock* clock) {
  AgentPki pki;
  pki.dir = config.state_dir + "/pki";
  pki.crl_dir = CrlDir(config);
  pki.tls = IsTcpEndpoint(config.agent_listen) && !config.agent_insecure_tcp;
  if (pki.tls) {
    FTA_ASSIGN_OR_RETURN(pki.ca, pki::CertificateAuthority::LoadOrCreate(pki.dir, clock));
    FTA_ASSIGN_OR_RETURN(pki::IssuedCertificate server, pki.ca->IssueServer(AgentTlsNames(config)));
    FTA_RETURN_IF_ERROR(pki::WriteFileAtomically(pki.dir + "/server.key", server.key_pem, 0600));
    FTA_RETURN_IF_ERROR(pki::WriteFileAtomically(pki.dir + "/server.pem", server.cert_pem, 0644));
    // Client certificates are checked against this bundle: the CA's own
    // certificate to begin with; a CA rotation appends the new one.
    std::string trusted = pki.dir + "/trusted-clients.pem";
    if (access(trusted.c_str(), F_OK) != 0) {
      FTA_RETURN_IF_ERROR(pki::WriteFileAtomically(trusted, pki.ca->ca_pem(), 0644));
    }
    FTA_RETURN_IF_ERROR(pki.ca->EnsureCrl(pki.crl_dir));
    spdlog::info("agents: mutual TLS on {} (CA {}/ca.pem, CRLs in {})", config.agent_listen, pki.dir, pki.crl_dir);
  } else if (IsTcpEndpoint(config.agent_listen)) {
    spdlog::warn("agents: {} is plain TCP (agents.insecure_tcp = true): tokens cross the network in clear",
                 config.agent_listen);
  }
  pki.credentials = std::make_unique<pki::AgentCredentials>(config.state_dir + "/agents", pki.ca.get());
  return pki;
}

absl::StatusOr<std::unique_ptr<grpc::Server>> ServeAgents(const HostdConfig& config, const AgentPki& pki,
                                                           grpc::Service* gateway) {
  grpc::ServerBuilder builder;
  if (IsTcpEndpoint(config.agent_listen)) {
    if (!pki.tls && !config.agent_insecure_tcp) {
      return absl::FailedPreconditionError(absl::StrCat("agents.listen: ", config.agent_listen,
                                                        " is TCP without TLS; set agents.insecure_tcp = true to allow it"));
    }
    builder.AddListeningPort(config.agent_listen,
                             pki.tls ? TlsCredentials(config, pki) : grpc::InsecureServerCredentials());
  } else {
    FTA_RETURN_IF_ERROR(PrepareUnixEndpoint(config.agent_listen, "agents.listen"));
    builder.AddListeningPort(config.agent_listen, grpc::InsecureServerCredentials());
  }
  if (ContainersEnabled(config) && ContainerAgentEndpoint(config) != config.agent_listen) {
    FTA_RETURN_IF_ERROR(PrepareUnixEndpoint(ContainerAgentEndpoint(config), "container.agent_listen"));
    builder.AddListeningPort(ContainerAgentEndpoint(config), grpc::InsecureServerCredentials());
  }
  builder.RegisterService(gateway);
  // Agents sit idle between jobs for hours: keepalive finds dead peers that
  // never closed their TCP connection (a guest that was destroyed).
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, 30000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  // An agent holds one stream; a connection carrying more is not an agent.
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, 1);
  // A connection that never finishes its handshake (or never opens its
  // stream) is closed; a silent stream is the gateway's to end.
  const int hello_ms = config.agent_hello_timeout_s * 1000;
  builder.AddChannelArgument(GRPC_ARG_SERVER_HANDSHAKE_TIMEOUT_MS, hello_ms);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_IDLE_MS, hello_ms);
  builder.AddChannelArgument(GRPC_ARG_MAX_RECEIVE_MESSAGE_LENGTH, 4 * 1024 * 1024);
  // Agents send small messages at a steady rate: bandwidth-delay probing
  // adds a ping (and its ack) per burst of data, for windows they never fill.
  builder.AddChannelArgument(GRPC_ARG_HTTP2_BDP_PROBE, 0);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server) {
    return absl::FailedPreconditionError(absl::StrCat("agents.listen: cannot listen on ", config.agent_listen));
  }
  return server;
}

absl::Status RevokeAgentCertificate(const HostdConfig& config, const std::string& cert_file, const Clock* clock) {
  std::ifstream in(cert_file);
  if (!in) return absl::NotFoundError(absl::StrCat("--revoke-cert ", cert_file, ": cannot read it"));
  std::stringstream pem;
  pem << in.rdbuf();
  const std::string dir = config.state_dir + "/pki";
  if (access((dir + "/ca.key").c_str(), F_OK) != 0) {
    return absl::FailedPreconditionError(absl::StrCat("--revoke-cert: no CA in ", dir));
  }
  FTA_ASSIGN_OR_RETURN(std::unique_ptr<pki::CertificateAuthority> ca, pki::CertificateAuthority::LoadOrCreate(dir, clock));
  return ca->Revoke(pem.str(), CrlDir(config));
}

absl::Status AddTlsToProbe(const HostdConfig& config, const AgentPki& pki, LivenessProbe* probe) {
  if (!pki.tls) return absl::OkStatus();
  FTA_ASSIGN_OR_RETURN(pki::IssuedCertificate client, pki.ca->IssueClient("fta-hostd-liveness"));
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = pki.ca->ca_pem();
  options.pem_private_key = client.key_pem;
  options.pem_cert_chain = client.cert_pem;
  probe->agent_credentials = [options] { return grpc::SslCredentials(options); };
  probe->agent_tls_name = AgentTlsNames(config).front();  // the server certificate's first name
  return absl::OkStatus();
}

}  // namespace fta::hostd
