#include "bench/agent_load/fleet.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/time/clock.h"

namespace fta::bench {

SimFleet::SimFleet(std::string state_dir, SimAgentOptions options, int tick_ms)
    : state_dir_(std::move(state_dir)), options_(std::move(options)), tick_ms_(tick_ms) {
  watcher_ = std::thread([this] { Watch(); });
  ticker_ = std::thread([this] { Ticker(); });
}

SimFleet::~SimFleet() {
  stop_ = true;
  watcher_.join();
  ticker_.join();
  // The agents' reactors may still be in flight: they are not destroyed
  // (the process exits right after).
  for (auto& agent : agents_) agent.release();
}

void SimFleet::Watch() {
  const std::string dir = state_dir_ + "/agents";
  while (!stop_) {
    std::error_code error;
    for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
      const std::string id = entry.path().filename().string();
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (known_.count(id) > 0) continue;
      }
      std::ifstream in(entry.path() / "token");
      if (!in) continue;  // not written yet
      std::stringstream token;
      token << in.rdbuf();
      std::string text = std::string(absl::StripAsciiWhitespace(token.str()));
      if (text.empty()) continue;
      auto agent = std::make_unique<SimAgent>(id, text, options_);
      agent->Start();
      std::lock_guard<std::mutex> lock(mu_);
      known_.insert(id);
      agents_.push_back(std::move(agent));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

void SimFleet::Ticker() {
  auto next = std::chrono::steady_clock::now();
  while (!stop_) {
    next += std::chrono::milliseconds(tick_ms_);
    std::this_thread::sleep_until(next);
    const int64_t now = absl::GetCurrentTimeNanos();
    std::vector<SimAgent*> agents;
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (auto& agent : agents_) agents.push_back(agent.get());
    }
    for (SimAgent* agent : agents) agent->Tick(now);
  }
}

int SimFleet::welcomed() {
  std::lock_guard<std::mutex> lock(mu_);
  int n = 0;
  for (auto& agent : agents_) n += agent->welcomed() ? 1 : 0;
  return n;
}

int SimFleet::ended() {
  std::lock_guard<std::mutex> lock(mu_);
  int n = 0;
  for (auto& agent : agents_) n += agent->ended() ? 1 : 0;
  return n;
}

int64_t SimFleet::last_welcome_ns() {
  std::lock_guard<std::mutex> lock(mu_);
  int64_t last = 0;
  for (auto& agent : agents_) last = std::max(last, agent->welcomed_ns());
  return last;
}

int64_t SimFleet::samples_sent() {
  std::lock_guard<std::mutex> lock(mu_);
  int64_t n = 0;
  for (auto& agent : agents_) n += agent->samples_sent();
  return n;
}

}  // namespace fta::bench
