// ResultsService (proto/fta/v1/results.proto) on the control socket:
// `ftactl results import` sends IOR output made elsewhere; it is parsed here
// (lib/jobs/ior_import.h) and stored as one job in one transaction.
#pragma once

#include "fta/v1/results.grpc.pb.h"
#include "lib/core/clock.h"
#include "lib/store/store.h"

namespace fta::hostd {

inline constexpr size_t kMaxImportBytes = 16 * 1024 * 1024;

class ResultsServiceImpl final : public fta::v1::ResultsService::Service {
 public:
  // Nothing is owned.
  ResultsServiceImpl(store::Store* store, const Clock* clock) : store_(store), clock_(clock) {}
  grpc::Status ImportIorOutput(grpc::ServerContext* context, const fta::v1::ImportIorOutputRequest* request,
                               fta::v1::Job* response) override;

 private:
  store::Store* store_;
  const Clock* clock_;
};

}  // namespace fta::hostd
