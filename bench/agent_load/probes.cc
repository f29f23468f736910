#include "bench/agent_load/probes.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"

namespace fta::bench {
namespace {

double Ms(absl::Time since) { return absl::ToDoubleMilliseconds(absl::Now() - since); }

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  size_t index = static_cast<size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(index, values.size() - 1)];
}

nlohmann::json Summary(const std::vector<double>& values) {
  return {{"count", values.size()}, {"p50_ms", Percentile(values, 0.5)}, {"p99_ms", Percentile(values, 0.99)}};
}

double CpuSeconds(int pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/stat"));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Fields after the command name (which may hold spaces): state is 3rd.
  size_t close = text.rfind(')');
  if (close == std::string::npos) return 0;
  std::vector<std::string> fields = absl::StrSplit(text.substr(close + 2), ' ');
  if (fields.size() < 13) return 0;
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  return (std::stod(fields[11]) + std::stod(fields[12])) / ticks;  // utime, stime
}

}  // namespace

ControlClient::ControlClient(const std::string& target)
    : channel_(grpc::CreateChannel(target, grpc::InsecureChannelCredentials())),
      host_(fta::v1::HostService::NewStub(channel_)),
      ftas_(fta::v1::FtaService::NewStub(channel_)),
      jobs_(fta::v1::JobService::NewStub(channel_)) {}

std::string ControlClient::WaitUp(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    if (GetHost()) return "";
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return "did not answer GetHost in time";
}

std::string ControlClient::Allocate(int count) {
  grpc::ClientContext context;
  fta::v1::AllocateFtasRequest request;
  request.set_count(count);
  request.set_connect_timeout_s(600);
  fta::v1::AllocateFtasResponse response;
  grpc::Status status = ftas_->AllocateFtas(&context, request, &response);
  return status.ok() ? "" : absl::StrCat("allocate ", count, ": ", status.error_message());
}

bool ControlClient::GetHost() {
  grpc::ClientContext context;
  fta::v1::HostInfo response;
  return host_->GetHost(&context, fta::v1::GetHostRequest(), &response).ok();
}

bool ControlClient::ListFtas() {
  grpc::ClientContext context;
  fta::v1::ListFtasResponse response;
  return ftas_->ListFtas(&context, fta::v1::ListFtasRequest(), &response).ok();
}

bool ControlClient::ListJobs() {
  grpc::ClientContext context;
  fta::v1::ListJobsResponse response;
  return jobs_->ListJobs(&context, fta::v1::ListJobsRequest(), &response).ok();
}

CpuWindow::CpuWindow(int pid) : pid_(pid), start_cpu_s_(CpuSeconds(pid)), start_(absl::Now()) {}

double CpuWindow::Seconds() const { return absl::ToDoubleSeconds(absl::Now() - start_); }

double CpuWindow::PercentOfOneCore() const { return 100.0 * (CpuSeconds(pid_) - start_cpu_s_) / Seconds(); }

double RssMib(int pid, const std::string& field) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field, 0) != 0) continue;
    std::istringstream value(line.substr(field.size()));
    double kib = 0;
    value >> kib;
    return kib / 1024.0;
  }
  return 0;
}

ReadTimer::ReadTimer(ControlClient* control) : control_(control), thread_([this] { Loop(); }) {}

ReadTimer::~ReadTimer() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void ReadTimer::Loop() {
  while (!stop_) {
    const std::pair<std::vector<double>*, bool (ControlClient::*)()> kinds[] = {
        {&host_, &ControlClient::GetHost}, {&ftas_, &ControlClient::ListFtas}, {&jobs_, &ControlClient::ListJobs}};
    for (const auto& [samples, read] : kinds) {
      const absl::Time start = absl::Now();
      if (!(control_->*read)()) ++errors_;
      const double ms = Ms(start);
      samples->push_back(ms);
      all_.push_back(ms);
    }
    // An operator's pace, not a flood: ~30 reads a second.
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

nlohmann::json ReadTimer::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  nlohmann::json out = Summary(all_);
  out["errors"] = errors_;
  out["max_ms"] = all_.empty() ? 0 : *std::max_element(all_.begin(), all_.end());
  out["host_show"] = Summary(host_);
  out["fta_list"] = Summary(ftas_);
  out["job_list"] = Summary(jobs_);
  return out;
}

JobRun::~JobRun() {
  context_.TryCancel();
  if (thread_.joinable()) thread_.join();
}

std::string JobRun::Start() {
  fta::v1::RunIorRequest request;
  request.add_on("all");
  fta::v1::IorSpec* spec = request.mutable_spec();
  spec->set_transfer_size("1m");
  spec->set_block_size("64m");
  spec->set_write(true);
  spec->set_keep_files(true);
  spec->set_directory(dir_);
  spec->set_engine(fta::v1::ENGINE_BUILTIN);
  reader_ = control_->jobs().RunIor(&context_, request);
  fta::v1::JobEvent first;
  if (!reader_->Read(&first) || !first.has_started()) {
    grpc::Status status = reader_->Finish();
    return absl::StrCat("ior run: ", status.error_message());
  }
  result_ = {{"id", first.started().id()}, {"progress_events", 0}};
  thread_ = std::thread([this] {
    fta::v1::JobEvent event;
    int progress = 0;
    while (reader_->Read(&event)) {
      if (event.has_progress()) ++progress;
      if (event.has_finished()) {
        std::lock_guard<std::mutex> lock(mu_);
        result_["state"] = fta::v1::JobState_Name(event.finished().state());
        if (!event.finished().error().empty()) result_["error"] = event.finished().error();
      }
    }
    reader_->Finish();
    std::lock_guard<std::mutex> lock(mu_);
    result_["progress_events"] = progress;
    finished_ = true;
  });
  return "";
}

nlohmann::json JobRun::Wait(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (finished_) return result_;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::lock_guard<std::mutex> lock(mu_);
  nlohmann::json late = result_;
  late["error"] = "not finished in time";
  return late;
}

}  // namespace fta::bench
