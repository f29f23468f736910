#include "lib/hostd/vf_monitor.h"

#include "spdlog/spdlog.h"

namespace fta::hostd {

VfMonitor::VfMonitor(FtaManager* ftas, absl::Duration interval)
    : ftas_(ftas), interval_(interval), thread_([this] { Run(); }) {}

VfMonitor::~VfMonitor() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void VfMonitor::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!wake_.wait_for(lock, absl::ToChronoMilliseconds(interval_), [this] { return stop_; })) {
    lock.unlock();
    for (const std::string& change : ftas_->CheckVfs()) spdlog::warn("vf check: {}", change);
    lock.lock();
  }
}

}  // namespace fta::hostd
