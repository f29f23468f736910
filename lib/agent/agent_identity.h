// Who this agent is, as told to fta-hostd in AgentHello: version, hostname,
// the shared-secret token and the path of a real `ior` binary, plus the
// validation main() applies to its flags before anything dials.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace fta::agent {

inline constexpr char kAgentVersion[] = "0.1.0";

// Reads the token file given with --token; surrounding whitespace (the
// trailing newline editors add) is not part of the secret.
absl::StatusOr<std::string> ReadTokenFile(const std::string& path);

// What a container FTA's identity file (--identity) says: lines
// "id=...", "connect=..." and optionally "token=...". Written by fta-hostd
// and bind-mounted read-only, so neither the token nor anything else is on
// the agent's command line.
struct IdentityFile {
  std::string id;
  std::string connect;
  std::string token;
};
// NOT_FOUND when unreadable, INVALID_ARGUMENT naming the line or the
// missing key otherwise.
absl::StatusOr<IdentityFile> ReadIdentityFile(const std::string& path);

// What --credentials DIR holds (fta-hostd's AgentCredentials): the FTA's
// token, and its TLS files when the daemon's endpoint speaks TLS.
struct CredentialFiles {
  std::string token;
  std::string ca_file, cert_file, key_file;  // all "" without TLS
};
// NOT_FOUND / INVALID_ARGUMENT naming the file: no token, or only some of
// cert.pem, key.pem and ca.pem.
absl::StatusOr<CredentialFiles> ReadCredentialsDir(const std::string& dir);

// An agent sends its token in its hello: over TCP only inside TLS, unless
// the operator said plaintext is fine (--insecure-tcp, matching the
// daemon's agents.insecure_tcp). INVALID_ARGUMENT saying so otherwise.
absl::Status CheckTransport(const std::string& connect, bool tls, bool insecure_tcp);

// True for a regular file this process may execute.
bool IsExecutableFile(const std::string& path);

// First executable regular file called `name` in the colon-separated
// `path_env` (normally $PATH); "" when there is none. Empty entries mean the
// current directory, as in execvp(3).
std::string FindExecutableInPath(const std::string& name, const std::string& path_env);

// gethostname(2), "" on failure.
std::string LocalHostname();

// --connect: "unix:/abs/path" or "host:port" ("[v6addr]:port" too).
absl::Status ValidateConnectAddress(const std::string& address);

// --id: non-empty, at most 128 characters of [A-Za-z0-9._:-], so it can go
// into log patterns, file names and SQL without quoting surprises.
absl::Status ValidateFtaId(const std::string& id);

}  // namespace fta::agent
