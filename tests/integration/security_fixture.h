// Dialing fta-hostd's agent endpoint the way an agent, or an attacker,
// would: raw gRPC streams with chosen credentials and hellos, raw TCP
// connections for floods. Shared by the `security` label's tests.
#pragma once

#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "fta/agent/v1/agent.grpc.pb.h"

namespace fta::testing {

// Client TLS material: all empty = plaintext; no cert/key = TLS without a
// client certificate.
struct ClientTls {
  std::string ca_pem, cert_pem, key_pem;
};

// A channel of its own (no shared subchannel: every call is a new
// connection, so each case handshakes afresh).
std::shared_ptr<grpc::Channel> AgentChannel(const std::string& target, const ClientTls& tls);

// Opens a Connect stream, sends `hello`, reads the first answer: OK when it
// is a Welcome (the stream is then closed), else the stream's status.
grpc::Status SayHello(const std::shared_ptr<grpc::Channel>& channel, const fta::agent::v1::AgentHello& hello, int deadline_s = 20);

// SayHello on fresh connections until the status has `code` (the daemon
// re-reads certificate files every agents.tls_refresh_s; a stream reaches
// it a moment after the client sees it open), at most 30 s; the last
// status otherwise.
grpc::Status HelloUntil(const std::string& target, const ClientTls& tls, const fta::agent::v1::AgentHello& hello,
                        grpc::StatusCode code);

fta::agent::v1::AgentHello Hello(const std::string& fta_id, const std::string& token = "");

// Reads a whole file ("" when unreadable).
std::string Slurp(const std::string& path);

// Raises this process's soft RLIMIT_NOFILE to the hard limit, or sets it to
// `soft` (restoring the previous value when the object goes).
class ScopedFileLimit {
 public:
  explicit ScopedFileLimit(long soft = -1);
  ~ScopedFileLimit();

 private:
  long previous_ = -1;
};

}  // namespace fta::testing
