// The control API on the daemon's unix socket: HostService, FtaService and
// JobService. Thin: they validate shapes, call FtaManager/JobCoordinator and
// convert absl::Status to gRPC status in one place (lib/core/rpc_status.h).
// List calls page (lib/core/paging.h).
#pragma once

#include <functional>
#include <string>

#include "fta/v1/fta.grpc.pb.h"
#include "fta/v1/host.grpc.pb.h"
#include "fta/v1/job.grpc.pb.h"
#include "lib/core/clock.h"
#include "lib/fleet/agent_registry.h"
#include "lib/fleet/fta_manager.h"
#include "lib/jobs/job_coordinator.h"
#include "lib/store/store.h"

namespace fta::hostd {

struct HostFacts {
  std::string daemon_version;
  std::string backend;
  std::string state_dir;
  std::string control_socket;
  std::string agent_endpoint;
  std::string sriov_status;
  int64_t started_unix_ms = 0;
  // Fills the VF pool's part of HostInfo (PFs, VFs used/free, a live
  // sriov_status); unset: sriov_status above stays.
  std::function<void(fta::v1::HostInfo*)> describe_vfs;
};

class HostServiceImpl final : public fta::v1::HostService::Service {
 public:
  HostServiceImpl(HostFacts facts, FtaManager* ftas, AgentRegistry* registry)
      : facts_(std::move(facts)), ftas_(ftas), registry_(registry) {}
  grpc::Status GetHost(grpc::ServerContext* context, const fta::v1::GetHostRequest* request,
                       fta::v1::HostInfo* response) override;

 private:
  const HostFacts facts_;
  FtaManager* ftas_;
  AgentRegistry* registry_;
};

class FtaServiceImpl final : public fta::v1::FtaService::Service {
 public:
  explicit FtaServiceImpl(FtaManager* ftas) : ftas_(ftas) {}
  grpc::Status AllocateFtas(grpc::ServerContext* context, const fta::v1::AllocateFtasRequest* request,
                            fta::v1::AllocateFtasResponse* response) override;
  grpc::Status ListFtas(grpc::ServerContext* context, const fta::v1::ListFtasRequest* request,
                        fta::v1::ListFtasResponse* response) override;
  grpc::Status GetFta(grpc::ServerContext* context, const fta::v1::GetFtaRequest* request,
                      fta::v1::Fta* response) override;
  grpc::Status ReleaseFtas(grpc::ServerContext* context, const fta::v1::ReleaseFtasRequest* request,
                           fta::v1::ReleaseFtasResponse* response) override;
  grpc::Status WaitFtasReady(grpc::ServerContext* context, const fta::v1::WaitFtasReadyRequest* request,
                             fta::v1::WaitFtasReadyResponse* response) override;

 private:
  FtaManager* ftas_;
};

// The streams (RunIor, WatchJob) are callback methods: a watcher holds no
// server thread (services/stream_events.h); the unary calls stay synchronous.
using JobServiceBase = fta::v1::JobService::WithCallbackMethod_RunIor<
    fta::v1::JobService::WithCallbackMethod_WatchJob<fta::v1::JobService::Service>>;

class JobServiceImpl final : public JobServiceBase {
 public:
  JobServiceImpl(JobCoordinator* jobs, store::Store* store) : jobs_(jobs), store_(store) {}
  grpc::ServerWriteReactor<fta::v1::JobEvent>* RunIor(grpc::CallbackServerContext* context,
                                                      const fta::v1::RunIorRequest* request) override;
  grpc::ServerWriteReactor<fta::v1::JobEvent>* WatchJob(grpc::CallbackServerContext* context,
                                                        const fta::v1::WatchJobRequest* request) override;
  grpc::Status ListJobs(grpc::ServerContext* context, const fta::v1::ListJobsRequest* request,
                        fta::v1::ListJobsResponse* response) override;
  grpc::Status GetJob(grpc::ServerContext* context, const fta::v1::GetJobRequest* request,
                      fta::v1::Job* response) override;
  grpc::Status CancelJob(grpc::ServerContext* context, const fta::v1::CancelJobRequest* request,
                         fta::v1::Job* response) override;

 private:
  JobCoordinator* jobs_;
  store::Store* store_;
};

}  // namespace fta::hostd
