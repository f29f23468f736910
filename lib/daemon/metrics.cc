#include "lib/daemon/metrics.h"

#include <algorithm>
#include <exception>
#include <utility>

#include <prometheus/collectable.h>
#include <prometheus/counter.h>
#include <prometheus/exposer.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/metric_family.h>
#include <prometheus/registry.h>

#include "absl/strings/str_cat.h"

namespace fta::hostd {
namespace {

prometheus::MetricFamily GaugeFamily(const std::string& name, const std::string& help) {
  prometheus::MetricFamily family;
  family.name = name;
  family.help = help;
  family.type = prometheus::MetricType::Gauge;
  return family;
}

void AddGauge(prometheus::MetricFamily* family, std::vector<prometheus::ClientMetric::Label> labels, double value) {
  prometheus::ClientMetric metric;
  metric.label = std::move(labels);
  metric.gauge.value = value;
  family->metric.push_back(std::move(metric));
}

// "FTA_STATE_READY" -> "ready": the labels read like the CLI's words.
std::string EnumWord(const std::string& name, const std::string& prefix) {
  std::string word = name.rfind(prefix, 0) == 0 ? name.substr(prefix.size()) : name;
  std::transform(word.begin(), word.end(), word.begin(), [](unsigned char c) { return std::tolower(c); });
  return word;
}

}  // namespace

// The gauges that describe the present (fleet, VFs, agents, jobs): read from
// their sources at each scrape rather than kept in step by hand.
class Metrics::Snapshot final : public prometheus::Collectable {
 public:
  explicit Snapshot(Metrics* owner) : owner_(owner) {}

  std::vector<prometheus::MetricFamily> Collect() const override {
    std::vector<prometheus::MetricFamily> families;
    const Sources& sources = owner_->sources_;
    if (sources.active_ftas) {
      std::map<std::pair<std::string, std::string>, int> counts;
      for (const fta::v1::Fta& fta : sources.active_ftas()) {
        ++counts[{EnumWord(fta::v1::FtaKind_Name(fta.kind()), "FTA_KIND_"),
                  EnumWord(fta::v1::FtaState_Name(fta.state()), "FTA_STATE_")}];
      }
      prometheus::MetricFamily family = GaugeFamily("fta_hostd_ftas", "FTAs not released, by kind and state");
      for (const auto& [key, count] : counts) AddGauge(&family, {{"kind", key.first}, {"state", key.second}}, count);
      families.push_back(std::move(family));
    }
    if (sources.vfs) {
      prometheus::MetricFamily family = GaugeFamily("fta_hostd_vfs", "SR-IOV virtual functions of the pool by state");
      for (const auto& [state, count] : sources.vfs()) AddGauge(&family, {{"state", state}}, count);
      families.push_back(std::move(family));
    }
    if (sources.agents_connected) {
      prometheus::MetricFamily family = GaugeFamily("fta_hostd_agents_connected", "agents connected with a valid hello");
      AddGauge(&family, {}, sources.agents_connected());
      families.push_back(std::move(family));
    }
    if (sources.jobs_by_state) {
      prometheus::MetricFamily family = GaugeFamily("fta_hostd_jobs", "stored jobs by state");
      for (const auto& [state, count] : sources.jobs_by_state()) {
        AddGauge(&family, {{"state", EnumWord(state, "JOB_STATE_")}}, static_cast<double>(count));
      }
      families.push_back(std::move(family));
    }
    prometheus::MetricFamily rate =
        GaugeFamily("fta_hostd_job_throughput_mib_per_second", "live aggregate rate of the running jobs, MiB/s");
    AddGauge(&rate, {}, owner_->AggregateMibPerSecond());
    families.push_back(std::move(rate));
    const double link = owner_->BusiestLinkPercent();
    if (link >= 0) {
      prometheus::MetricFamily family = GaugeFamily("fta_hostd_ib_link_utilisation_percent",
                                                    "utilisation of the busiest metered IB port of a running job");
      AddGauge(&family, {}, link);
      families.push_back(std::move(family));
    }
    return families;
  }

 private:
  Metrics* owner_;
};

// One per call: counts it and times it from its start to its status, when
// the status is sent (so a client that has its answer finds the call
// counted), or at the end as CANCELLED when none was (the client went away).
class Metrics::Interceptor final : public grpc::experimental::Interceptor {
 public:
  Interceptor(Metrics* metrics, std::string method)
      : metrics_(metrics), method_(std::move(method)), start_(metrics->clock_->Now()) {}
  ~Interceptor() override {
    if (!counted_) Count(grpc::StatusCode::CANCELLED);
  }
  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (!counted_ &&
        methods->QueryInterceptionHookPoint(grpc::experimental::InterceptionHookPoints::PRE_SEND_STATUS)) {
      Count(methods->GetSendStatus().error_code());
    }
    methods->Proceed();
  }

 private:
  void Count(grpc::StatusCode code) {
    counted_ = true;
    metrics_->OnRpc(method_, code, absl::ToDoubleSeconds(metrics_->clock_->Now() - start_));
  }

  Metrics* metrics_;
  const std::string method_;
  const absl::Time start_;
  bool counted_ = false;
};

class Metrics::InterceptorFactory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit InterceptorFactory(Metrics* metrics) : metrics_(metrics) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(grpc::experimental::ServerRpcInfo* info) override {
    return new Interceptor(metrics_, info->method() != nullptr ? info->method() : "unknown");
  }

 private:
  Metrics* metrics_;
};

Metrics::Metrics(Sources sources, const Clock* clock)
    : sources_(std::move(sources)), clock_(clock), registry_(std::make_shared<prometheus::Registry>()) {
  job_bytes_ = &prometheus::BuildCounter()
                    .Name("fta_hostd_job_bytes_total")
                    .Help("bytes the agents reported moving in job phases")
                    .Register(*registry_)
                    .Add({});
  samples_ = &prometheus::BuildCounter()
                  .Name("fta_hostd_samples_ingested_total")
                  .Help("throughput samples received from agents")
                  .Register(*registry_)
                  .Add({});
  rpc_requests_ = &prometheus::BuildCounter()
                       .Name("fta_hostd_rpc_requests_total")
                       .Help("control API calls by method and status code")
                       .Register(*registry_);
  rpc_duration_ = &prometheus::BuildHistogram()
                       .Name("fta_hostd_rpc_duration_seconds")
                       .Help("control API call latency by method")
                       .Register(*registry_);
  snapshot_ = std::make_shared<Snapshot>(this);
}

Metrics::~Metrics() { exposer_.reset(); }  // no scrape runs past this point

absl::StatusOr<std::unique_ptr<Metrics>> Metrics::Start(const std::string& listen, Sources sources,
                                                        const Clock* clock) {
  std::unique_ptr<Metrics> metrics(new Metrics(std::move(sources), clock));
  try {
    // One thread: a scrape is cheap, and every thread is one more on a busy host.
    metrics->exposer_ = std::make_unique<prometheus::Exposer>(listen, 1);
  } catch (const std::exception& error) {
    return absl::FailedPreconditionError(
        absl::StrCat("metrics.listen: cannot listen on ", listen, ": ", error.what()));
  }
  metrics->exposer_->RegisterCollectable(metrics->registry_);
  metrics->exposer_->RegisterCollectable(metrics->snapshot_);
  return metrics;
}

int Metrics::port() const {
  std::vector<int> ports = exposer_->GetListeningPorts();
  return ports.empty() ? 0 : ports.front();
}

std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> Metrics::InterceptorFactories() {
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> factories;
  factories.push_back(std::make_unique<InterceptorFactory>(this));
  return factories;
}

void Metrics::OnRpc(const std::string& method, grpc::StatusCode code, double seconds) {
  static const prometheus::Histogram::BucketBoundaries kBuckets = {0.001, 0.005, 0.01, 0.05, 0.1, 0.5,
                                                                   1,     5,     30,   300};
  rpc_requests_->Add({{"method", method}, {"code", absl::StrCat(static_cast<int>(code))}}).Increment();
  rpc_duration_->Add({{"method", method}}, kBuckets).Observe(seconds);
}

void Metrics::OnSample(int64_t bytes) {
  samples_->Increment();
  if (bytes > 0) job_bytes_->Increment(static_cast<double>(bytes));
}

void Metrics::OnProgress(const std::string& job_id, double mib_per_second, double link_utilisation_pct) {
  std::lock_guard<std::mutex> lock(mu_);
  running_[job_id] = JobRate{mib_per_second, link_utilisation_pct};
}

void Metrics::OnJobEnded(const std::string& job_id) {
  std::lock_guard<std::mutex> lock(mu_);
  running_.erase(job_id);
}

double Metrics::AggregateMibPerSecond() {
  std::lock_guard<std::mutex> lock(mu_);
  double total = 0;
  for (const auto& [id, rate] : running_) total += rate.mib_per_second;
  return total;
}

double Metrics::BusiestLinkPercent() {
  std::lock_guard<std::mutex> lock(mu_);
  double busiest = -1;
  for (const auto& [id, rate] : running_) busiest = std::max(busiest, rate.link_pct);
  return busiest;
}

}  // namespace fta::hostd
