// Periodic: runs `tick` every `interval` on its own thread until destroyed
// (the destructor wakes, stops and joins it; a running tick finishes first).
// hostd's background checks use it: VF presence every 15 s, the guests'
// reconcile every provisioner.reconcile_interval_s.
//
//   Periodic vf_check("vf check", absl::Seconds(15), [&] { ... });
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "absl/time/time.h"

namespace fta::core {

class Periodic {
 public:
  Periodic(std::string name, absl::Duration interval, std::function<void()> tick);
  ~Periodic();
  Periodic(const Periodic&) = delete;
  Periodic& operator=(const Periodic&) = delete;

  const std::string& name() const { return name_; }

 private:
  void Run();

  const std::string name_;
  const absl::Duration interval_;
  const std::function<void()> tick_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;  // last: starts once the rest is built
};

}  // namespace fta::core
