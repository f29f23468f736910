// What agent_load measures with: the daemon's control API (allocation, a
// job, timed reads) and its CPU and memory from /proc.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/time/time.h"
#include "fta/v1/fta.grpc.pb.h"
#include "fta/v1/host.grpc.pb.h"
#include "fta/v1/job.grpc.pb.h"
#include "nlohmann/json.hpp"

namespace fta::bench {

class ControlClient {
 public:
  explicit ControlClient(const std::string& target);
  // "" once the daemon answers GetHost; else why not.
  std::string WaitUp(absl::Duration timeout);
  // "" when `count` FTAs were allocated and their agents connected.
  std::string Allocate(int count);
  // One read of each kind; false on an error.
  bool GetHost();
  bool ListFtas();
  bool ListJobs();
  fta::v1::JobService::Stub& jobs() { return *jobs_; }

 private:
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<fta::v1::HostService::Stub> host_;
  std::unique_ptr<fta::v1::FtaService::Stub> ftas_;
  std::unique_ptr<fta::v1::JobService::Stub> jobs_;
};

// CPU time of a process over a window, from /proc/PID/stat.
class CpuWindow {
 public:
  explicit CpuWindow(int pid);
  double Seconds() const;
  double PercentOfOneCore() const;

 private:
  const int pid_;
  const double start_cpu_s_;
  const absl::Time start_;
};

// VmRSS / VmHWM of /proc/PID/status in MiB.
double RssMib(int pid, const std::string& field);

// Control reads back to back on a thread until Stop(): latencies per kind.
class ReadTimer {
 public:
  explicit ReadTimer(ControlClient* control);
  ~ReadTimer();
  // {"count", "errors", "p50_ms", "p99_ms", "max_ms", per kind {p50_ms, p99_ms}}.
  nlohmann::json Stop();

 private:
  void Loop();
  ControlClient* control_;
  std::atomic<bool> stop_{false};
  std::vector<double> all_, host_, ftas_, jobs_;
  int errors_ = 0;
  std::thread thread_;
};

// One job on every ready FTA (`-w -k`), followed on its stream.
class JobRun {
 public:
  JobRun(ControlClient* control, std::string dir) : control_(control), dir_(std::move(dir)) {}
  ~JobRun();
  // "" once the job started; else the daemon's answer.
  std::string Start();
  // {"id", "state", "progress_events", "error"} once it finished.
  nlohmann::json Wait(absl::Duration timeout);

 private:
  ControlClient* control_;
  const std::string dir_;
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReader<fta::v1::JobEvent>> reader_;
  std::thread thread_;
  std::mutex mu_;
  nlohmann::json result_;
  bool finished_ = false;
};

}  // namespace fta::bench
