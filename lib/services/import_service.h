// ImportService (proto/fta/v1/import.proto) on the control socket:
// `ftactl job import` sends IOR output made elsewhere; it is parsed here
// (lib/jobs/ior_import.h) and stored as one job in one transaction.
#pragma once

#include "fta/v1/import.grpc.pb.h"
#include "lib/core/clock.h"
#include "lib/store/store.h"

namespace fta::hostd {

inline constexpr size_t kMaxImportBytes = 16 * 1024 * 1024;

class ImportServiceImpl final : public fta::v1::ImportService::Service {
 public:
  // Nothing is owned.
  ImportServiceImpl(store::Store* store, const Clock* clock) : store_(store), clock_(clock) {}
  grpc::Status ImportIorOutput(grpc::ServerContext* context, const fta::v1::ImportIorOutputRequest* request,
                               fta::v1::Job* response) override;

 private:
  store::Store* store_;
  const Clock* clock_;
};

}  // namespace fta::hostd
