// fta-hostd: flags and config in, the daemon wired, signals handled.
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <thread>

#include "CLI/CLI.hpp"
#include "lib/config/config.h"
#include "lib/daemon/agent_endpoint.h"
#include "lib/daemon/daemon.h"
#include "spdlog/sinks/stdout_color_sinks.h"
#include "spdlog/spdlog.h"

#ifdef FTA_HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
#endif

namespace {

constexpr char kDefaultConfigPath[] = "/etc/fta-hostd/config.toml";

void Notify(const char* state) {
#ifdef FTA_HAVE_SYSTEMD
  sd_notify(0, state);
#else
  (void)state;
#endif
}

std::string BinaryDir() {
  std::error_code error;
  std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", error);
  return error ? "." : self.parent_path().string();
}

// --revoke-cert: a one-shot command beside a running daemon.
int Revoke(const fta::hostd::HostdConfig& config, const std::string& cert_file) {
  fta::RealClock clock;
  absl::Status revoked = fta::hostd::RevokeAgentCertificate(config, cert_file, &clock);
  if (!revoked.ok()) std::cerr << "fta-hostd: " << revoked.message() << "\n";
  return revoked.ok() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"fta-hostd: owns the host's FTAs (guests or processes) and runs synchronised IOR jobs"};
  std::string config_path;
  std::string control_socket, state_dir, backend, sysfs_root, libvirt_uri, agent_listen, log_level, agent_binary;
  int max_ftas = 0;
  bool print_config = false;
  std::string revoke_cert;
  app.add_option("--config", config_path, std::string("TOML config file (default ") + kDefaultConfigPath +
                                              " when it exists, else built-in defaults)");
  app.add_option("--control-socket", control_socket, "unix socket of the control API");
  app.add_option("--state-dir", state_dir, "state directory (SQLite database, logs, FTA credentials, agent CA)");
  app.add_option("--backend", backend, "provisioner backend: process | libvirt");
  app.add_option("--sysfs-root", sysfs_root, "sysfs root for SR-IOV discovery (tests use a fake tree)");
  app.add_option("--libvirt-uri", libvirt_uri, "libvirt connection URI");
  app.add_option("--agent-listen", agent_listen, "where agents connect: unix:PATH or HOST:PORT");
  app.add_option("--agent-binary", agent_binary, "fta-agent executable for the process backend");
  app.add_option("--max-ftas", max_ftas, "most FTAs this host runs at once");
  app.add_option("--log-level", log_level, "trace, debug, info, warn, error");
  app.add_flag("--print-config", print_config, "print the effective configuration as TOML and exit");
  app.add_option("--revoke-cert", revoke_cert,
                 "add this agent certificate (PEM) to the CRL in agents.crl_dir and exit; the running daemon "
                 "refuses it within agents.tls_refresh_s");
  CLI11_PARSE(app, argc, argv);

  fta::hostd::HostdConfig config = fta::hostd::DefaultConfig();
  std::string source = config_path;
  if (source.empty() && std::filesystem::exists(kDefaultConfigPath)) source = kDefaultConfigPath;
  if (!source.empty()) {
    absl::Status loaded = fta::hostd::MergeTomlFile(source, &config);
    if (!loaded.ok()) {
      std::cerr << "fta-hostd: " << loaded.message() << "\n";
      return 2;
    }
  }
  if (!control_socket.empty()) config.control_socket = control_socket;
  if (!state_dir.empty()) config.state_dir = state_dir;
  if (!backend.empty()) config.backend = backend;
  if (!sysfs_root.empty()) config.sysfs_root = sysfs_root;
  if (!libvirt_uri.empty()) config.libvirt_uri = libvirt_uri;
  if (!agent_listen.empty()) config.agent_listen = agent_listen;
  if (!agent_binary.empty()) config.agent_binary = agent_binary;
  if (max_ftas != 0) config.max_ftas = max_ftas;
  if (!log_level.empty()) config.log_level = log_level;
  absl::Status valid = fta::hostd::ValidateConfig(config);
  if (!valid.ok()) {
    std::cerr << "fta-hostd: " << valid.message() << "\n";
    return 2;
  }
  if (print_config) {
    std::cout << fta::hostd::ToToml(config);
    return 0;
  }
  if (!revoke_cert.empty()) return Revoke(config, revoke_cert);

  auto logger = spdlog::stderr_color_mt("fta-hostd");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(config.log_level));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");

  // Signals are taken synchronously by this thread; every other thread
  // inherits the blocked mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  absl::StatusOr<std::unique_ptr<fta::hostd::Daemon>> daemon = fta::hostd::Daemon::Start(config, BinaryDir());
  if (!daemon.ok()) {
    spdlog::critical("cannot start: {}", daemon.status().ToString());
    return 1;
  }
  Notify("READY=1");

#ifdef FTA_HAVE_SYSTEMD
  uint64_t watchdog_usec = 0;
  std::thread watchdog;
  if (sd_watchdog_enabled(0, &watchdog_usec) > 0) {
    watchdog = std::thread([watchdog_usec] {
      // The thread dies with the process; a hung daemon stops petting.
      while (true) {
        sd_notify(0, "WATCHDOG=1");
        std::this_thread::sleep_for(std::chrono::microseconds(watchdog_usec / 2));
      }
    });
    watchdog.detach();
  }
#endif

  int received = 0;
  sigwait(&signals, &received);
  spdlog::info("received {}; shutting down (grace {} s)", strsignal(received), config.shutdown_grace_s);
  Notify("STOPPING=1");
  (*daemon)->Shutdown(absl::Seconds(config.shutdown_grace_s));
  daemon->reset();
  return 0;
}
