// VfMonitor: runs FtaManager::CheckVfs every `interval` on its own thread
// and logs what changed (a VF vanished under an FTA, or came back). Stops
// and joins in its destructor.
#pragma once

#include <condition_variable>
#include <mutex>
#include <thread>

#include "absl/time/time.h"
#include "lib/hostd/fta_manager.h"

namespace fta::hostd {

class VfMonitor {
 public:
  // `ftas` is not owned and must outlive the monitor.
  VfMonitor(FtaManager* ftas, absl::Duration interval);
  ~VfMonitor();
  VfMonitor(const VfMonitor&) = delete;
  VfMonitor& operator=(const VfMonitor&) = delete;

 private:
  void Run();

  FtaManager* ftas_;
  const absl::Duration interval_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace fta::hostd
