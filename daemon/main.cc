// fta-hostd: flags and config in, the daemon wired, signals handled.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <filesystem>
#include <iostream>
#include <thread>

#include "CLI/CLI.hpp"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
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

// The command line's overrides, kept to be applied again on SIGHUP.
struct Flags {
  std::string config_path;
  std::string control_socket, state_dir, backend, sysfs_root, libvirt_uri, agent_listen, log_level, agent_binary;
  std::string metrics_listen, agents_run_as;
  int max_ftas = 0;
};

// Defaults, then the TOML file, then the flags; validated.
absl::StatusOr<fta::hostd::HostdConfig> LoadConfig(const Flags& flags) {
  fta::hostd::HostdConfig config = fta::hostd::DefaultConfig();
  std::string source = flags.config_path;
  if (source.empty() && std::filesystem::exists(kDefaultConfigPath)) source = kDefaultConfigPath;
  if (!source.empty()) {
    absl::Status loaded = fta::hostd::MergeTomlFile(source, &config);
    if (!loaded.ok()) return loaded;
  }
  for (auto [flag, field] : {std::pair{&flags.control_socket, &config.control_socket},
                             std::pair{&flags.state_dir, &config.state_dir}, std::pair{&flags.backend, &config.backend},
                             std::pair{&flags.sysfs_root, &config.sysfs_root},
                             std::pair{&flags.libvirt_uri, &config.libvirt_uri},
                             std::pair{&flags.agent_listen, &config.agent_listen},
                             std::pair{&flags.agent_binary, &config.agent_binary},
                             std::pair{&flags.log_level, &config.log_level},
                             std::pair{&flags.metrics_listen, &config.metrics_listen},
                             std::pair{&flags.agents_run_as, &config.agent_run_as}}) {
    if (!flag->empty()) *field = *flag;
  }
  if (flags.max_ftas != 0) config.max_ftas = flags.max_ftas;
  absl::Status valid = fta::hostd::ValidateConfig(config);
  if (!valid.ok()) return valid;
  return config;
}

// Pings the systemd watchdog every half period, but only after the daemon
// passed a real liveness check (listeners answer, loops advance); a wedged
// daemon stops pinging and systemd restarts it. Stopped (and joined) before
// the daemon goes.
class Watchdog {
 public:
  Watchdog(fta::hostd::Daemon* daemon, absl::Duration period) : daemon_(daemon), period_(period) {
    thread_ = std::thread([this] { Run(); });
  }
  ~Watchdog() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }

 private:
  void Run() {
    std::unique_lock<std::mutex> lock(mu_);
    while (!stop_) {
      lock.unlock();
      absl::Status alive = daemon_->CheckLiveness(std::min(period_, absl::Seconds(5)));
      if (alive.ok()) {
        Notify("WATCHDOG=1");
      } else {
        spdlog::error("watchdog not pinged: {}", std::string(alive.message()));
      }
      lock.lock();
      wake_.wait_for(lock, absl::ToChronoMicroseconds(period_), [this] { return stop_; });
    }
  }

  fta::hostd::Daemon* daemon_;
  const absl::Duration period_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

// WatchdogSec= of the unit (WATCHDOG_USEC) halved; zero when not asked for.
absl::Duration WatchdogPeriod() {
#ifdef FTA_HAVE_SYSTEMD
  uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) > 0) return absl::Microseconds(static_cast<int64_t>(usec / 2));
#endif
  return absl::ZeroDuration();
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
  Flags flags;
  bool print_config = false;
  std::string revoke_cert;
  app.add_option("--config", flags.config_path, std::string("TOML config file (default ") + kDefaultConfigPath +
                                                    " when it exists, else built-in defaults)");
  app.add_option("--control-socket", flags.control_socket, "unix socket of the control API");
  app.add_option("--state-dir", flags.state_dir, "state directory (SQLite database, logs, FTA credentials, agent CA)");
  app.add_option("--backend", flags.backend, "provisioner backend: process | libvirt");
  app.add_option("--sysfs-root", flags.sysfs_root, "sysfs root for SR-IOV discovery (tests use a fake tree)");
  app.add_option("--libvirt-uri", flags.libvirt_uri, "libvirt connection URI");
  app.add_option("--agent-listen", flags.agent_listen, "where agents connect: unix:PATH or HOST:PORT");
  app.add_option("--agent-binary", flags.agent_binary, "fta-agent executable for the process backend");
  app.add_option("--agents-run-as", flags.agents_run_as, "user process agents run as (agents.run_as; root: no change)");
  app.add_option("--metrics-listen", flags.metrics_listen, "HOST:PORT of the Prometheus metrics endpoint (off by default)");
  app.add_option("--max-ftas", flags.max_ftas, "most FTAs this host runs at once");
  app.add_option("--log-level", flags.log_level, "trace, debug, info, warn, error");
  app.add_flag("--print-config", print_config, "print the effective configuration as TOML and exit");
  app.add_option("--revoke-cert", revoke_cert,
                 "add this agent certificate (PEM) to the CRL in agents.crl_dir and exit; the running daemon "
                 "refuses it within agents.tls_refresh_s");
  CLI11_PARSE(app, argc, argv);

  absl::StatusOr<fta::hostd::HostdConfig> loaded = LoadConfig(flags);
  if (!loaded.ok()) {
    std::cerr << "fta-hostd: " << loaded.status().message() << "\n";
    return 2;
  }
  const fta::hostd::HostdConfig config = *std::move(loaded);
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
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  absl::StatusOr<std::unique_ptr<fta::hostd::Daemon>> daemon = fta::hostd::Daemon::Start(config, BinaryDir());
  if (!daemon.ok()) {
    spdlog::critical("cannot start: {}", daemon.status().ToString());
    return 1;
  }
  Notify("READY=1");
  std::unique_ptr<Watchdog> watchdog;
  if (WatchdogPeriod() > absl::ZeroDuration()) watchdog = std::make_unique<Watchdog>(daemon->get(), WatchdogPeriod());

  int received = 0;
  while (true) {
    sigwait(&signals, &received);
    if (received != SIGHUP) break;
    // Reload what can be reloaded; a bad file keeps the running config.
    Notify("RELOADING=1");
    absl::StatusOr<fta::hostd::HostdConfig> reloaded = LoadConfig(flags);
    if (reloaded.ok()) {
      (*daemon)->Reload(*reloaded);
    } else {
      spdlog::error("SIGHUP: configuration not reloaded: {}", std::string(reloaded.status().message()));
    }
    Notify("READY=1");
  }
  watchdog.reset();
  spdlog::info("received {}; shutting down (grace {} s)", strsignal(received), config.shutdown_grace_s);
  Notify("STOPPING=1");
  (*daemon)->Shutdown(absl::Seconds(config.shutdown_grace_s));
  daemon->reset();
  return 0;
}
