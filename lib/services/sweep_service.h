// SweepService on the control socket: thin, like control_services.h; the
// work is SweepRunner's.
#pragma once

#include "fta/v1/sweep.grpc.pb.h"
#include "lib/sweeps/sweep_runner.h"

namespace fta::hostd {

class SweepServiceImpl final : public fta::v1::SweepService::Service {
 public:
  explicit SweepServiceImpl(SweepRunner* sweeps) : sweeps_(sweeps) {}
  grpc::Status StartSweep(grpc::ServerContext* context, const fta::v1::StartSweepRequest* request,
                          grpc::ServerWriter<fta::v1::SweepEvent>* writer) override;
  grpc::Status WatchSweep(grpc::ServerContext* context, const fta::v1::WatchSweepRequest* request,
                          grpc::ServerWriter<fta::v1::SweepEvent>* writer) override;
  grpc::Status GetSweep(grpc::ServerContext* context, const fta::v1::GetSweepRequest* request,
                        fta::v1::Sweep* response) override;
  grpc::Status ListSweeps(grpc::ServerContext* context, const fta::v1::ListSweepsRequest* request,
                          fta::v1::ListSweepsResponse* response) override;
  grpc::Status CancelSweep(grpc::ServerContext* context, const fta::v1::CancelSweepRequest* request,
                           fta::v1::Sweep* response) override;
  grpc::Status ResumeSweep(grpc::ServerContext* context, const fta::v1::ResumeSweepRequest* request,
                           grpc::ServerWriter<fta::v1::SweepEvent>* writer) override;

 private:
  SweepRunner* sweeps_;
};

}  // namespace fta::hostd
