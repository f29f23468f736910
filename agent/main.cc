// fta-agent: runs in every FTA guest (and natively on the host as the
// baseline), dials fta-hostd and runs IOR phases it is told to run.
//
//   fta-agent --connect HOST:PORT --id fta-3 --credentials /etc/fta-agent   (token + mTLS files)
//   fta-agent --connect unix:/run/fta-hostd/agent.sock --id fta-3 [--token FILE]
//   fta-agent --identity /run/fta-agent/identity      (container FTAs)
//
// Exit status: 0 after SIGTERM/SIGINT, 2 on usage errors.
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <string>

#include "CLI/CLI.hpp"
#include "lib/agent/agent_identity.h"
#include "lib/agent/agent_session.h"
#include "lib/agent/ior_runner.h"
#include "lib/agent/rank_engine.h"
#include "lib/core/clock.h"
#include "spdlog/sinks/stdout_sinks.h"
#include "spdlog/spdlog.h"

namespace {

constexpr int kUsageError = 2;

int UsageError(const std::string& message) {
  std::cerr << "fta-agent: " << message << "\n";
  return kUsageError;
}

// The version is only in ior's output, so a tiny probe run reads it
// (lib/agent/ior_runner.h). An ior that cannot run is not offered.
void OfferIorIfUsable(fta::agent::AgentOptions& options) {
  if (options.ior_path.empty()) return;
  absl::StatusOr<std::string> version = fta::agent::ProbeIorVersion(options.ior_path);
  if (version.ok()) {
    options.ior_version = *version;
    return;
  }
  spdlog::warn("ior {} is not usable, offering the built-in engine only: {}", options.ior_path,
               std::string(version.status().message()));
  options.ior_path.clear();
}

// --token FILE or --credentials DIR (token and TLS files), then the rule
// that a token never crosses TCP in clear.
absl::Status LoadSecrets(const std::string& token_file, const std::string& credentials_dir, bool insecure_tcp,
                         fta::agent::AgentOptions& options) {
  if (!token_file.empty() && !credentials_dir.empty()) {
    return absl::InvalidArgumentError("--token and --credentials: give one (the directory holds the token)");
  }
  if (!token_file.empty()) {
    absl::StatusOr<std::string> token = fta::agent::ReadTokenFile(token_file);
    if (!token.ok()) return token.status();
    options.token = *std::move(token);
  }
  if (!credentials_dir.empty()) {
    absl::StatusOr<fta::agent::CredentialFiles> files = fta::agent::ReadCredentialsDir(credentials_dir);
    if (!files.ok()) return files.status();
    options.token = files->token;
    options.tls_ca_file = files->ca_file;
    options.tls_cert_file = files->cert_file;
    options.tls_key_file = files->key_file;
  }
  return fta::agent::CheckTransport(options.connect_address, !options.tls_cert_file.empty(), insecure_tcp);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"fta-agent: runs IOR phases for fta-hostd"};
  std::string connect;
  std::string id;
  std::string token_file;
  std::string credentials_dir;
  bool insecure_tcp = false;
  std::string identity_file;
  std::string ior_path;
  std::string log_level = "info";
  app.add_option("--connect", connect, "fta-hostd agent address: unix:/path or host:port");
  app.add_option("--id", id, "FTA id this agent answers for");
  app.add_option("--identity", identity_file, "file with id=, connect= and token= lines (instead of the three flags)");
  app.add_option("--token", token_file, "file holding this FTA's secret sent in Hello");
  app.add_option("--credentials", credentials_dir,
                 "directory from fta-hostd: token, and cert.pem, key.pem, ca.pem for TLS (instead of --token)");
  app.add_flag("--insecure-tcp", insecure_tcp, "allow a TCP connection without TLS (agents.insecure_tcp)");
  app.add_option("--ior", ior_path, "real ior binary (default: search PATH for ior)");
  app.add_option("--log-level", log_level, "trace|debug|info|warn|error|critical|off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);  // prints help or the error
    return code == 0 ? 0 : kUsageError;
  }

  std::string token;
  if (!identity_file.empty()) {
    if (!connect.empty() || !id.empty() || !token_file.empty() || !credentials_dir.empty()) {
      return UsageError("--identity replaces --connect, --id and --token: give one or the others");
    }
    absl::StatusOr<fta::agent::IdentityFile> identity = fta::agent::ReadIdentityFile(identity_file);
    if (!identity.ok()) return UsageError(std::string(identity.status().message()));
    connect = identity->connect;
    id = identity->id;
    token = identity->token;
  } else if (connect.empty() || id.empty()) {
    return UsageError("--connect and --id are required (or --identity FILE)");
  }
  if (absl::Status s = fta::agent::ValidateConnectAddress(connect); !s.ok()) return UsageError(std::string(s.message()));
  if (absl::Status s = fta::agent::ValidateFtaId(id); !s.ok()) return UsageError(std::string(s.message()));

  fta::agent::AgentOptions options;
  options.connect_address = connect;
  options.fta_id = id;
  options.token = token;
  if (absl::Status s = LoadSecrets(token_file, credentials_dir, insecure_tcp, options); !s.ok()) {
    return UsageError(std::string(s.message()));
  }
  if (!ior_path.empty()) {
    if (!fta::agent::IsExecutableFile(ior_path)) {
      return UsageError("--ior " + ior_path + ": not an executable file");
    }
    options.ior_path = ior_path;
  } else if (const char* path = std::getenv("PATH")) {
    options.ior_path = fta::agent::FindExecutableInPath("ior", path);
  }

  // The id passed ValidateFtaId, so it holds no '%' that the pattern would
  // interpret.
  auto logger = spdlog::stderr_logger_mt("fta-agent");
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ fta-agent[" + id + "] %v");
  logger->set_level(spdlog::level::from_str(log_level));
  spdlog::set_default_logger(logger);

  // Block the stop signals before any thread exists so every thread inherits
  // the mask and sigwait below is the only receiver.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  OfferIorIfUsable(options);

  // A daemon that does not know this FTA released it: exit instead of
  // dialing forever as an orphan. SIGTERM goes through the normal stop below.
  options.on_retired = [](const std::string& why) {
    spdlog::warn("fta-hostd does not know this FTA ({}); exiting", why);
    kill(getpid(), SIGTERM);
  };
  fta::RealClock clock;
  fta::agent::AgentSession session(options, &clock, fta::agent::MakePosixEngineFactory(&clock));
  spdlog::info("fta-agent {} starting, host {}, ior {}", fta::agent::kAgentVersion, connect,
               options.ior_path.empty() ? "(built-in engine only)"
                                        : options.ior_path + " (version " + options.ior_version + ")");
  session.Start();

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  spdlog::info("signal {} received, stopping", signal_number);
  session.Stop();
  return 0;
}
