#include "lib/core/periodic.h"

namespace fta::core {

Periodic::Periodic(std::string name, absl::Duration interval, std::function<void()> tick)
    : name_(std::move(name)), interval_(interval), tick_(std::move(tick)), thread_([this] { Run(); }) {}

Periodic::~Periodic() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void Periodic::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!wake_.wait_for(lock, absl::ToChronoMilliseconds(interval_), [this] { return stop_; })) {
    lock.unlock();
    tick_();
    lock.lock();
  }
}

}  // namespace fta::core
