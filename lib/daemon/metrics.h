// Prometheus metrics of fta-hostd on metrics.listen (--metrics-listen
// HOST:PORT; off by default), served by prometheus-cpp's exposer at
// http://HOST:PORT/metrics:
//
//   fta_hostd_ftas{kind,state}                  FTAs not released, by kind and state
//   fta_hostd_vfs{state="free"|"used"|"unusable"} the VF pool
//   fta_hostd_agents_connected                  agent streams with a valid hello
//   fta_hostd_jobs{state}                       stored jobs by state
//   fta_hostd_job_bytes_total                   bytes the agents reported moving
//   fta_hostd_samples_ingested_total            throughput samples received
//   fta_hostd_job_throughput_mib_per_second     live aggregate rate of running jobs
//   fta_hostd_ib_link_utilisation_percent       busiest metered IB port of a running job
//                                               (absent when nothing is metered)
//   fta_hostd_rpc_requests_total{method,code}   control API calls by outcome
//   fta_hostd_rpc_duration_seconds{method}      their latency (histogram)
//
//   FTA_ASSIGN_OR_RETURN(std::unique_ptr<Metrics> metrics, Metrics::Start("127.0.0.1:9464", sources, &clock));
//   builder.experimental().SetInterceptorCreators(metrics->InterceptorFactories());
//   job_options.metrics = metrics.get();
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <grpcpp/support/server_interceptor.h>
#include <prometheus/counter.h>
#include <prometheus/exposer.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "fta/v1/common.pb.h"
#include "lib/core/clock.h"
#include "lib/jobs/job_metrics.h"

namespace fta::hostd {

class Metrics final : public JobMetricsSink {
 public:
  // Read at every scrape; each may be null (the series is then absent).
  struct Sources {
    std::function<std::vector<fta::v1::Fta>()> active_ftas;
    std::function<std::map<std::string, int>()> vfs;  // "free"/"used"/"unusable" -> count
    std::function<int()> agents_connected;
    std::function<std::map<std::string, int64_t>()> jobs_by_state;
  };

  // Listens on `listen` ("HOST:PORT"; port 0 picks one, see port()).
  // FAILED_PRECONDITION naming metrics.listen when it cannot. `clock` is not
  // owned.
  static absl::StatusOr<std::unique_ptr<Metrics>> Start(const std::string& listen, Sources sources,
                                                        const Clock* clock);
  ~Metrics() override;

  // The TCP port the exporter listens on.
  int port() const;

  // For the control server: counts every call and times it.
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> InterceptorFactories();
  void OnRpc(const std::string& method, grpc::StatusCode code, double seconds);

  // JobMetricsSink.
  void OnSample(int64_t bytes) override;
  void OnProgress(const std::string& job_id, double mib_per_second, double link_utilisation_pct) override;
  void OnJobEnded(const std::string& job_id) override;

  // The live figures the scrape shows (also used by the snapshot collector).
  double AggregateMibPerSecond();
  double BusiestLinkPercent();  // < 0 when no running job is metered

 private:
  class Snapshot;
  class Interceptor;
  class InterceptorFactory;
  Metrics(Sources sources, const Clock* clock);

  const Sources sources_;
  const Clock* const clock_;
  std::shared_ptr<prometheus::Registry> registry_;
  std::shared_ptr<Snapshot> snapshot_;
  prometheus::Counter* job_bytes_ = nullptr;
  prometheus::Counter* samples_ = nullptr;
  prometheus::Family<prometheus::Counter>* rpc_requests_ = nullptr;
  prometheus::Family<prometheus::Histogram>* rpc_duration_ = nullptr;
  std::mutex mu_;
  struct JobRate {
    double mib_per_second = 0;
    double link_pct = -1;
  };
  std::map<std::string, JobRate> running_ ABSL_GUARDED_BY(mu_);
  std::unique_ptr<prometheus::Exposer> exposer_;  // last: serves once the rest exists
};

}  // namespace fta::hostd
