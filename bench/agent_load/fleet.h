// SimFleet: the simulated agents of one load run. A watcher connects an
// agent for every FTA whose credentials appear under <state_dir>/agents/
// (fta-hostd writes them before it starts the FTA's stand-in process), and a
// ticker drives all agents every sample interval.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "bench/agent_load/sim_agent.h"

namespace fta::bench {

class SimFleet {
 public:
  SimFleet(std::string state_dir, SimAgentOptions options, int tick_ms);
  ~SimFleet();  // stops the threads; the agents' streams are left to the exit

  int welcomed();
  int ended();
  // Largest welcome time (unix ns) of the agents started so far.
  int64_t last_welcome_ns();
  int64_t samples_sent();

 private:
  void Watch();
  void Ticker();

  const std::string state_dir_;
  const SimAgentOptions options_;
  const int tick_ms_;
  std::mutex mu_;
  std::set<std::string> known_;
  std::vector<std::unique_ptr<SimAgent>> agents_;
  std::atomic<bool> stop_{false};
  std::thread watcher_;
  std::thread ticker_;
};

}  // namespace fta::bench
