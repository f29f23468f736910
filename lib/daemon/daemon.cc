#include "lib/daemon/daemon.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "lib/core/socket_access.h"
#include "lib/core/status_macros.h"
#include "lib/daemon/agent_endpoint.h"
#include "lib/daemon/state_guard.h"
#include "lib/fleet/agent_gateway.h"
#include "lib/fleet/agent_registry.h"
#include "lib/services/control_services.h"
#include "lib/fleet/fta_manager.h"
#include "lib/jobs/buffer_memory.h"
#include "lib/jobs/job_coordinator.h"
#include "lib/jobs/job_files.h"
#include "lib/daemon/daemon_ops.h"
#include "lib/daemon/housekeeping.h"
#include "lib/daemon/libvirt_backend.h"
#include "lib/daemon/liveness.h"
#include "lib/daemon/metrics.h"
#include "lib/daemon/lxc_backend.h"
#include "lib/services/import_service.h"
#include "lib/services/relay_service.h"
#include "lib/sweeps/sweep_runner.h"
#include "lib/services/sweep_service.h"
#include "lib/sweeps/sweep_snapshot.h"
#include "lib/core/periodic.h"
#include "lib/services/vf_service.h"
#include "lib/sriov/sysfs.h"
#include "lib/sriov/vf_pool.h"
#include "lib/store/store.h"
#include "lib/virt/capacity.h"
#include "lib/virt/backend_router.h"
#include "lib/virt/process_provisioner.h"
#include "lib/virt/split_provisioner.h"
#include "spdlog/spdlog.h"

namespace fta::hostd {
namespace {

absl::Status MakeDirs(const std::string& path, const char* key) {
  std::error_code error;
  std::filesystem::create_directories(path, error);
  if (error) return absl::FailedPreconditionError(absl::StrCat(key, ": cannot create ", path, ": ", error.message()));
  return absl::OkStatus();
}

class DaemonImpl final : public Daemon {
 public:
  absl::Status Init(const HostdConfig& config, const std::string& binary_dir);
  void Shutdown(absl::Duration grace) override;
  void Reload(const HostdConfig& config) override;
  absl::Status CheckLiveness(absl::Duration timeout) override;
  int metrics_port() const override { return metrics_ ? metrics_->port() : 0; }
  ~DaemonImpl() override { Shutdown(absl::Seconds(1)); }

 private:
  // Init's steps, in order; each builds what the next ones use.
  absl::Status OpenState(const HostdConfig& config);
  absl::Status MakeProvisioner(const HostdConfig& config, const std::string& binary_dir);
  absl::Status MakeVfPool(const HostdConfig& config);
  absl::Status MakeFleet(const HostdConfig& config);
  // The job and sweep engines, each recovering what a previous run left.
  absl::Status MakeEngines(const HostdConfig& config, const std::string& binary_dir);
  absl::Status ServeAgents(const HostdConfig& config);
  void StartBackgroundChecks(const HostdConfig& config);
  absl::Status ServeControl(const HostdConfig& config);

  RealClock clock_;
  std::unique_ptr<StateDirLock> state_lock_;  // first taken, last released
  AgentPki pki_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<virt::CapacityPlanner> planner_;  // libvirt/lxc backends; outlives the provisioners
  std::unique_ptr<virt::Provisioner> host_processes_;  // the native agent (and all FTAs of the process backend)
  std::unique_ptr<virt::Provisioner> guests_;          // libvirt backend
  std::unique_ptr<virt::Provisioner> containers_;      // lxc backend (container FTAs)
  std::unique_ptr<virt::BackendRouter> router_;        // the FTA kinds this host offers
  std::unique_ptr<virt::Provisioner> provisioner_;     // what FtaManager uses
  std::unique_ptr<sriov::SysfsRoot> sysfs_;
  std::unique_ptr<sriov::VfPool> vf_pool_;  // outlives ftas_
  std::unique_ptr<FtaManager> ftas_;
  std::unique_ptr<AgentRegistry> registry_;
  std::unique_ptr<ExecBroker> exec_broker_;  // engine ior's relay; outlives jobs_
  std::unique_ptr<JobCoordinator> jobs_;
  std::unique_ptr<SweepRunner> sweeps_;
  std::unique_ptr<AgentGatewayService> gateway_;
  std::unique_ptr<HostServiceImpl> host_service_;
  std::unique_ptr<FtaServiceImpl> fta_service_;
  std::unique_ptr<JobServiceImpl> job_service_;
  std::unique_ptr<ImportServiceImpl> import_service_;
  std::unique_ptr<SweepServiceImpl> sweep_service_;
  std::unique_ptr<VfServiceImpl> vf_service_;
  std::unique_ptr<MpiRelayService> relay_service_;
  // Background checks; stopped before ftas_ goes.
  std::unique_ptr<core::Periodic> vf_check_;
  std::unique_ptr<core::Periodic> reconcile_;
  std::unique_ptr<core::Periodic> housekeeping_tick_;
  std::unique_ptr<Housekeeping> housekeeping_;
  std::unique_ptr<JobFileKeeper> file_keeper_;
  std::unique_ptr<Metrics> metrics_;  // outlives control_server_ (its interceptors)
  std::optional<virt::RunAs> agent_user_;
  HostdConfig config_;  // as started or last reloaded
  std::mutex liveness_mu_;
  std::unique_ptr<Liveness> liveness_ ABSL_GUARDED_BY(liveness_mu_);
  std::unique_ptr<grpc::Server> agent_server_;
  std::unique_ptr<grpc::Server> control_server_;
  bool stopped_ = false;
};

absl::Status DaemonImpl::Init(const HostdConfig& config, const std::string& binary_dir) {
  FTA_RETURN_IF_ERROR(OpenState(config));
  FTA_ASSIGN_OR_RETURN(pki_, SetUpAgentPki(config, &clock_));
  FTA_RETURN_IF_ERROR(MakeProvisioner(config, binary_dir));
  FTA_RETURN_IF_ERROR(MakeVfPool(config));
  FTA_RETURN_IF_ERROR(MakeFleet(config));
  FTA_RETURN_IF_ERROR(MakeEngines(config, binary_dir));
  FTA_RETURN_IF_ERROR(ServeAgents(config));
  StartBackgroundChecks(config);
  // Control endpoint, last.
  FTA_RETURN_IF_ERROR(ServeControl(config));
  spdlog::info("fta-hostd {} ready: control unix:{}, agents {}, state {}", kDaemonVersion, config.control_socket,
               config.agent_listen, config.state_dir);
  return absl::OkStatus();
}

absl::Status DaemonImpl::OpenState(const HostdConfig& config) {
  FTA_RETURN_IF_ERROR(MakeDirs(config.state_dir, "daemon.state_dir"));
  // Before anything in the state dir is touched: one daemon per state dir.
  FTA_ASSIGN_OR_RETURN(state_lock_, StateDirLock::Acquire(config.state_dir));
  // A daemon answering on our control socket (another state dir): stop here,
  // before anything starts, rather than when the socket is bound.
  FTA_RETURN_IF_ERROR(RemoveStaleSocket(config.control_socket, "daemon.control_socket"));
  absl::StatusOr<long> files = RaiseFileLimit();
  if (files.ok()) spdlog::info("open file limit: {}", *files);
  else spdlog::warn("open file limit not raised: {}", std::string(files.status().message()));
  FTA_RETURN_IF_ERROR(MakeDirs(config.state_dir + "/logs", "daemon.state_dir"));
  FTA_RETURN_IF_ERROR(
      MakeDirs(std::filesystem::path(config.control_socket).parent_path().string(), "daemon.control_socket"));
  FTA_ASSIGN_OR_RETURN(store_, store::Store::Open(config.state_dir + "/fta-hostd.db", &clock_));
  return absl::OkStatus();
}

absl::Status DaemonImpl::MakeProvisioner(const HostdConfig& config, const std::string& binary_dir) {
  virt::ProcessProvisionerOptions process_options;
  process_options.agent_binary = config.agent_binary.empty() ? FindAgentBinary(binary_dir) : config.agent_binary;
  process_options.log_dir = config.state_dir + "/logs";
  process_options.agent_endpoint = config.agent_listen;
  FTA_ASSIGN_OR_RETURN(agent_user_, AgentUserFor(config));
  process_options.run_as = agent_user_;
  FTA_ASSIGN_OR_RETURN(host_processes_, virt::ProcessProvisioner::Create(process_options));
  if (config.backend == "libvirt") {
    FTA_ASSIGN_OR_RETURN(LibvirtBackend libvirt, MakeLibvirtBackend(config, &clock_));
    planner_ = std::move(libvirt.planner);
    guests_ = std::move(libvirt.provisioner);
  }
  std::vector<virt::Provisioner*> kinds;
  if (config.backend != "lxc") kinds.push_back(guests_ ? guests_.get() : host_processes_.get());
  if (ContainersEnabled(config)) {
    // Containers share the vm guests' cores when both run here.
    FTA_ASSIGN_OR_RETURN(LxcBackend lxc, MakeLxcBackend(config, planner_.get(), process_options.agent_binary, &clock_));
    if (lxc.own_planner) planner_ = std::move(lxc.own_planner);
    containers_ = std::move(lxc.provisioner);
    kinds.push_back(containers_.get());
  }
  router_ = std::make_unique<virt::BackendRouter>(kinds);
  // The native agent is the host's own baseline: a host process, never a guest.
  provisioner_ = std::make_unique<virt::SplitProvisioner>(kNativeFtaId, host_processes_.get(), router_.get());
  return absl::OkStatus();
}

// The VF pool: discover, then configure the PFs of sriov.* (numvfs, GUIDs).
// A bad selector or bad hardware stops the start here, before any FTA is
// touched.
absl::Status DaemonImpl::MakeVfPool(const HostdConfig& config) {
  sysfs_ = std::make_unique<sriov::SysfsRoot>(config.sysfs_root);
  sriov::VfPool::Options pool_options;
  pool_options.pfs = config.sriov_pfs;
  pool_options.num_vfs = config.sriov_num_vfs;
  pool_options.guid_prefix = config.sriov_guid_prefix;
  pool_options.pkeys = config.sriov_pkeys;
  pool_options.clock = &clock_;
  std::vector<std::string> sriov_notes;
  FTA_ASSIGN_OR_RETURN(vf_pool_, sriov::VfPool::Create(sysfs_.get(), pool_options, &sriov_notes));
  for (const std::string& note : sriov_notes) spdlog::warn("sriov: {}", note);
  return absl::OkStatus();
}

absl::Status DaemonImpl::MakeFleet(const HostdConfig& config) {
  FtaManager::Options fta_options;
  fta_options.agent_endpoint = config.agent_listen;
  pki::AgentCredentials* credentials = pki_.credentials.get();
  fta_options.issue_credentials = [credentials](const std::string& id) { return credentials->Issue(id); };
  fta_options.discard_credentials = [credentials](const std::string& id) { credentials->Discard(id); };
  fta_options.max_ftas = config.max_ftas;
  fta_options.connect_timeout = absl::Seconds(config.connect_timeout_s);
  fta_options.stop_grace = absl::Seconds(config.stop_grace_s);
  if (planner_) {
    // Guests and containers hold cores of the planner; process FTAs do not.
    fta_options.admit = [planner = planner_.get()](int requested, fta::v1::FtaKind kind) {
      return kind == fta::v1::FTA_KIND_PROCESS ? absl::OkStatus() : planner->CheckFits(requested);
    };
  }
  fta_options.backends = router_->Backends();  // containers beside the default backend
  ftas_ = std::make_unique<FtaManager>(fta_options, store_.get(), provisioner_.get(), &clock_);
  AgentRegistry::Options registry_options{
      [credentials](const std::string& id, const std::string& token) { return credentials->TokenMatches(id, token); },
      config.heartbeat_interval_ms, config.heartbeat_timeout_ms};
  registry_ = std::make_unique<AgentRegistry>(registry_options, &clock_, ftas_.get());
  ftas_->AttachRegistry(registry_.get());
  ftas_->AttachVfPool(vf_pool_.get());
  provisioner_->SetExitHandler([this](const virt::FtaExit& exit) { ftas_->OnFtaExit(exit); });
  FTA_ASSIGN_OR_RETURN(std::vector<std::string> repairs, ftas_->Reconcile());
  for (const std::string& repair : repairs) spdlog::info("reconcile: {}", repair);
  return absl::OkStatus();
}

absl::Status DaemonImpl::MakeEngines(const HostdConfig& config, const std::string& binary_dir) {
  JobCoordinator::Options job_options;
  exec_broker_ = std::make_unique<ExecBroker>(registry_.get(), &clock_);
  job_options.exec_broker = exec_broker_.get();
  job_options.mpi.mpirun = config.mpi_mpirun.empty() ? FindProgram(binary_dir, "mpirun", "") : config.mpi_mpirun;
  job_options.mpi.relay = config.mpi_relay.empty() ? FindProgram(binary_dir, "fta-mpi-relay", "relay") : config.mpi_relay;
  job_options.mpi.tcp_interface = config.mpi_tcp_interface;
  job_options.mpi_relay_target = "unix:" + config.control_socket;
  job_options.mpi_work_dir = MpiWorkDirOf(config);
  if (agent_user_) job_options.mpi_work_owner = std::make_pair(agent_user_->uid, agent_user_->gid);
  job_options.ready_timeout = absl::Seconds(config.ready_timeout_s);
  job_options.deadline = absl::Seconds(config.job_deadline_s);
  job_options.sample_interval_ms = config.sample_interval_ms;
  job_options.sample_batch_ms = config.sample_batch_ms;
  job_options.sample_messages_per_s = config.sample_messages_per_s;
  job_options.guests_share_host_filesystem = config.backend != "libvirt";
  job_options.available_memory_bytes = [] {
    absl::StatusOr<int64_t> bytes = virt::ReadAvailableMemoryBytes("/proc");
    return bytes.ok() ? *bytes : int64_t{-1};
  };
  file_keeper_ = std::make_unique<JobFileKeeper>(store_.get());
  job_options.file_keeper = file_keeper_.get();
  job_options.memory_bytes_of_kind = MemoryOfKind(config);
  if (!config.metrics_listen.empty()) {
    FTA_ASSIGN_OR_RETURN(metrics_, StartHostMetrics(config.metrics_listen, MetricsSourcesOf(ftas_.get(), registry_.get(),
                                                                                            vf_pool_.get(), store_.get()),
                                                    &clock_));
  }
  job_options.metrics = metrics_.get();
  job_options.link_meter_for = [this](const std::map<std::string, std::string>& vf_by_fta)
      -> std::unique_ptr<LinkMeter> {
    absl::StatusOr<std::unique_ptr<sriov::VfPool::Snapshot>> snapshot = vf_pool_->Describe();
    if (!snapshot.ok()) {
      spdlog::warn("link metering off for this job: {}", std::string(snapshot.status().message()));
      return nullptr;
    }
    std::vector<MeteredPort> ports = PortsBehind((*snapshot)->inventory, vf_by_fta);
    if (ports.empty()) return nullptr;
    return std::make_unique<LinkMeter>(sysfs_.get(), &clock_, std::move(ports));
  };
  jobs_ = std::make_unique<JobCoordinator>(job_options, store_.get(), ftas_.get(), registry_.get(), &clock_);
  FTA_RETURN_IF_ERROR(jobs_->RecoverAfterRestart());
  SweepRunner::Options sweep_options;
  sweep_options.backend = config.backend;
  sweep_options.backends = router_->Backends();
  sweep_options.connect_timeout = absl::Seconds(config.connect_timeout_s);
  sweep_options.host = DescribeHost(config);
  sweep_options.read_vf_inventory = [pool = vf_pool_.get()]() -> absl::StatusOr<sriov::Inventory> {
    FTA_ASSIGN_OR_RETURN(std::unique_ptr<sriov::VfPool::Snapshot> snapshot, pool->Describe());
    return std::move(snapshot->inventory);
  };
  sweeps_ = std::make_unique<SweepRunner>(sweep_options, store_.get(), ftas_.get(), jobs_.get(), &clock_);
  return sweeps_->RecoverAfterRestart();
}

absl::Status DaemonImpl::ServeAgents(const HostdConfig& config) {
  AgentGatewayService::Options limits{absl::Seconds(config.agent_hello_timeout_s), config.agent_max_connections};
  gateway_ = std::make_unique<AgentGatewayService>(registry_.get(), limits, &clock_);
  FTA_ASSIGN_OR_RETURN(agent_server_, hostd::ServeAgents(config, pki_, gateway_.get()));
  if (absl::StartsWith(config.agent_listen, "unix:")) ShareUnixSocket(config.agent_listen.substr(5), agent_user_);
  return absl::OkStatus();
}

void DaemonImpl::StartBackgroundChecks(const HostdConfig& config) {
  vf_check_ = std::make_unique<core::Periodic>("vf check", absl::Seconds(15), [ftas = ftas_.get()] {
    for (const std::string& change : ftas->CheckVfs()) spdlog::warn("vf check: {}", change);
  });
  housekeeping_ = std::make_unique<Housekeeping>(store_.get(), &clock_, HousekeepingOptionsOf(config));
  housekeeping_->Tick();
  housekeeping_tick_ = std::make_unique<core::Periodic>("housekeeping", absl::Seconds(60),
                                                        [housekeeping = housekeeping_.get()] { housekeeping->Tick(); });
  if (config.reconcile_interval_s > 0) {
    reconcile_ = std::make_unique<core::Periodic>(
        "reconcile", absl::Seconds(config.reconcile_interval_s), [ftas = ftas_.get()] {
          for (const std::string& repair : ftas->ReconcileRunning()) spdlog::warn("reconcile: {}", repair);
        });
  }
}

absl::Status DaemonImpl::ServeControl(const HostdConfig& config) {
  FTA_ASSIGN_OR_RETURN(SocketGroup operators,
                       ResolveSocketGroup(config.control_socket_group, DefaultConfig().control_socket_group,
                                          "daemon.control_socket_group"));
  FTA_RETURN_IF_ERROR(RemoveStaleSocket(config.control_socket, "daemon.control_socket"));
  HostFacts facts{kDaemonVersion,       config.backend,    config.state_dir, config.control_socket, config.agent_listen,
                  DescribeSriov(config.sysfs_root), clock_.NowUnixMillis(), {}};
  // libibverbs describes this machine; a fake sysfs root describes another.
  const bool real_sysfs = config.sysfs_root == "/sys" || config.sysfs_root == "/sys/";
  vf_service_ = std::make_unique<VfServiceImpl>(
      vf_pool_.get(),
      [ftas = ftas_.get()] {
        for (const std::string& change : ftas->CheckVfs()) spdlog::warn("vf check: {}", change);
      },
      real_sysfs ? VfServiceImpl::VerbsReader(&sriov::ReadVerbsPorts) : VfServiceImpl::VerbsReader(),
      absl::StrCat("not consulted: the sysfs root ", config.sysfs_root, " is not this machine's /sys"));
  facts.describe_vfs = [vfs = vf_service_.get()](fta::v1::HostInfo* host) { vfs->DescribeHost(host); };
  fta::v1::HostInfo sriov_view;
  vf_service_->DescribeHost(&sriov_view);
  spdlog::info("sriov: {}", sriov_view.sriov_status());
  host_service_ = std::make_unique<HostServiceImpl>(facts, ftas_.get(), registry_.get());
  fta_service_ = std::make_unique<FtaServiceImpl>(ftas_.get());
  job_service_ = std::make_unique<JobServiceImpl>(jobs_.get(), store_.get());
  import_service_ = std::make_unique<ImportServiceImpl>(store_.get(), &clock_);
  sweep_service_ = std::make_unique<SweepServiceImpl>(sweeps_.get());
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder control_builder;
  // Sync server threads poll their queue with this timeout; shutdown waits
  // for the slowest poll, so the default 10 s would delay every stop.
  control_builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::CQ_TIMEOUT_MSEC, 200);
  control_builder.AddListeningPort("unix:" + config.control_socket, grpc::InsecureServerCredentials());
  control_builder.RegisterService(host_service_.get());
  control_builder.RegisterService(fta_service_.get());
  control_builder.RegisterService(job_service_.get());
  control_builder.RegisterService(import_service_.get());
  control_builder.RegisterService(sweep_service_.get());
  control_builder.RegisterService(vf_service_.get());
  if (metrics_) control_builder.experimental().SetInterceptorCreators(metrics_->InterceptorFactories());
  relay_service_ = std::make_unique<MpiRelayService>(exec_broker_.get());
  control_builder.RegisterService(relay_service_.get());
  control_server_ = control_builder.BuildAndStart();
  if (!control_server_) {
    return absl::FailedPreconditionError(
        absl::StrCat("daemon.control_socket: cannot listen on ", config.control_socket));
  }
  // Only root and the socket's group (fta-admin) may drive the host.
  FTA_RETURN_IF_ERROR(RestrictSocket(config.control_socket, operators));
  if (!operators.note.empty()) spdlog::info("control socket root-only: {}", operators.note);
  config_ = config;
  std::lock_guard<std::mutex> lock(liveness_mu_);
  LivenessProbe probe = LivenessProbeOf(config, registry_.get(), store_.get());
  FTA_RETURN_IF_ERROR(AddTlsToProbe(config, pki_, &probe));
  liveness_ = std::make_unique<Liveness>(std::move(probe), &clock_);
  return absl::OkStatus();
}

void DaemonImpl::Shutdown(absl::Duration grace) {
  if (stopped_) return;
  stopped_ = true;
  auto deadline = std::chrono::system_clock::now() + absl::ToChronoMilliseconds(grace);
  // The control server's shutdown waits for running calls: an allocation
  // waiting for its agents must give up first.
  if (registry_) registry_->StopWaiting();
  if (control_server_) control_server_->Shutdown(deadline);
  reconcile_.reset();
  vf_check_.reset();
  housekeeping_tick_.reset();
  // Before the jobs: the sweep records itself INTERRUPTED, not failed.
  if (sweeps_) sweeps_->Shutdown("interrupted: the daemon is shutting down");
  if (jobs_) jobs_->Shutdown("interrupted: the daemon is shutting down");
  // Agent streams never end by themselves and agents reconnect to the next
  // daemon, so they are cut at once rather than waited for.
  if (registry_) registry_->CloseAll("daemon shutting down");
  if (agent_server_) agent_server_->Shutdown(std::chrono::system_clock::now());
  spdlog::info("fta-hostd stopped");
}

}  // namespace

void DaemonImpl::Reload(const HostdConfig& config) {
  ApplyReload(config_, config, housekeeping_.get());
  config_ = config;
}

absl::Status DaemonImpl::CheckLiveness(absl::Duration timeout) {
  std::lock_guard<std::mutex> lock(liveness_mu_);
  if (!liveness_) return absl::UnavailableError("the daemon is not serving yet");
  return liveness_->Check(timeout);
}

absl::StatusOr<std::unique_ptr<Daemon>> Daemon::Start(const HostdConfig& config, const std::string& binary_dir) {
  auto daemon = std::make_unique<DaemonImpl>();
  FTA_RETURN_IF_ERROR(daemon->Init(config, binary_dir));
  return daemon;
}

}  // namespace fta::hostd
