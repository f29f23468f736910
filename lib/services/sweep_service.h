// SweepService on the control socket: thin, like control_services.h; the
// work is SweepRunner's.
#pragma once

#include "fta/v1/sweep.grpc.pb.h"
#include "lib/sweeps/sweep_runner.h"

namespace fta::hostd {

// The streams are callback methods (no thread per watcher), as JobService's.
using SweepServiceBase = fta::v1::SweepService::WithCallbackMethod_StartSweep<
    fta::v1::SweepService::WithCallbackMethod_WatchSweep<
        fta::v1::SweepService::WithCallbackMethod_ResumeSweep<fta::v1::SweepService::Service>>>;

class SweepServiceImpl final : public SweepServiceBase {
 public:
  explicit SweepServiceImpl(SweepRunner* sweeps) : sweeps_(sweeps) {}
  grpc::ServerWriteReactor<fta::v1::SweepEvent>* StartSweep(grpc::CallbackServerContext* context,
                                                            const fta::v1::StartSweepRequest* request) override;
  grpc::ServerWriteReactor<fta::v1::SweepEvent>* WatchSweep(grpc::CallbackServerContext* context,
                                                            const fta::v1::WatchSweepRequest* request) override;
  grpc::Status GetSweep(grpc::ServerContext* context, const fta::v1::GetSweepRequest* request,
                        fta::v1::Sweep* response) override;
  grpc::Status ListSweeps(grpc::ServerContext* context, const fta::v1::ListSweepsRequest* request,
                          fta::v1::ListSweepsResponse* response) override;
  grpc::Status CancelSweep(grpc::ServerContext* context, const fta::v1::CancelSweepRequest* request,
                           fta::v1::Sweep* response) override;
  grpc::ServerWriteReactor<fta::v1::SweepEvent>* ResumeSweep(grpc::CallbackServerContext* context,
                                                             const fta::v1::ResumeSweepRequest* request) override;

 private:
  SweepRunner* sweeps_;
};

}  // namespace fta::hostd
