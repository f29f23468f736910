// agent_load: N simulated fta-agents against a running fta-hostd, in one
// process, measuring the daemon (bench/control_plane.sh starts the daemon
// and prints the overall JSON).
//
//   agent_load --control unix:R/control.sock --agents-endpoint unix:R/agent.sock
//       --state-dir R/state --hostd-pid PID --steps 100,500,1000 --seconds 10 --dir R/data
//
// The daemon runs process FTAs whose program is fta-agent-parked
// (agents.agent_binary): a real FTA each (id, credentials, process), whose
// agent is played here with the FTA's own token (SimFleet). Per step the
// fleet is allocated up to the step's size (connect time: from the
// allocation's start to the last welcome), then one job runs on all FTAs
// (`-w -k`, a write phase of --seconds + 3 s) with 10 Hz samples; over
// --seconds in its middle the daemon's CPU (utime + stime of /proc/PID/stat,
// % of one core) and RSS are read, while control reads (GetHost, ListFtas,
// ListJobs) are timed back to back. Prints one JSON object.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "bench/agent_load/fleet.h"
#include "bench/agent_load/probes.h"
#include "nlohmann/json.hpp"

namespace fta::bench {
namespace {

struct Options {
  std::string control;
  std::string agents_endpoint;
  std::string state_dir;
  std::string dir;
  int hostd_pid = 0;
  std::vector<int> steps = {100};
  int seconds = 10;
};

int Usage(const std::string& error) {
  std::fprintf(stderr,
               "%s\nusage: agent_load --control unix:PATH --agents-endpoint unix:PATH --state-dir DIR "
               "--hostd-pid PID --dir DIR [--steps 100,500,1000] [--seconds 10]\n",
               error.c_str());
  return 2;
}

bool Parse(int argc, char** argv, Options& o, std::string& error) {
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) {
      error = absl::StrCat(flag, ": needs a value");
      return false;
    }
    const std::string value = argv[++i];
    if (flag == "--control") o.control = value;
    else if (flag == "--agents-endpoint") o.agents_endpoint = value;
    else if (flag == "--state-dir") o.state_dir = value;
    else if (flag == "--dir") o.dir = value;
    else if (flag == "--hostd-pid") o.hostd_pid = std::atoi(value.c_str());
    else if (flag == "--seconds") o.seconds = std::max(1, std::atoi(value.c_str()));
    else if (flag == "--steps") {
      o.steps.clear();
      for (absl::string_view part : absl::StrSplit(value, ',')) {
        int n = 0;
        if (!absl::SimpleAtoi(part, &n) || n < 1 || n > 1024) {
          error = "--steps: counts of 1..1024, comma separated";
          return false;
        }
        o.steps.push_back(n);
      }
    } else {
      error = absl::StrCat("unknown flag ", flag);
      return false;
    }
  }
  if (o.control.empty() || o.agents_endpoint.empty() || o.state_dir.empty() || o.dir.empty() || o.hostd_pid <= 0) {
    error = "--control, --agents-endpoint, --state-dir, --dir and --hostd-pid are required";
    return false;
  }
  return true;
}

nlohmann::json RunStep(const Options& o, ControlClient& control, SimFleet& fleet, int have, int want) {
  nlohmann::json step = {{"agents", want}};
  const int64_t started_ns = absl::GetCurrentTimeNanos();
  std::string error = control.Allocate(want - have);
  step["allocate_s"] = (absl::GetCurrentTimeNanos() - started_ns) / 1e9;
  if (!error.empty()) {
    step["error"] = error;
    return step;
  }
  step["connect_all_s"] = (fleet.last_welcome_ns() - started_ns) / 1e9;
  // Heartbeats only.
  CpuWindow idle(o.hostd_pid);
  std::this_thread::sleep_for(std::chrono::seconds(3));
  step["idle_cpu_pct_of_one_core"] = idle.PercentOfOneCore();

  JobRun job(&control, o.dir);
  if (std::string started = job.Start(); !started.empty()) {
    step["error"] = started;
    return step;
  }
  // The job's READY and GO lead (2 ms per agent); then the write phase
  // streams samples.
  std::this_thread::sleep_for(std::chrono::milliseconds(1000 + 2 * want));
  const int64_t samples_before = fleet.samples_sent();
  CpuWindow busy(o.hostd_pid);
  ReadTimer reads(&control);
  std::this_thread::sleep_for(std::chrono::seconds(o.seconds));
  step["hostd_cpu_pct_of_one_core"] = busy.PercentOfOneCore();
  step["samples_per_s"] = (fleet.samples_sent() - samples_before) / busy.Seconds();
  step["control_reads"] = reads.Stop();
  step["hostd_rss_mib"] = RssMib(o.hostd_pid, "VmRSS:");
  step["hostd_rss_peak_mib"] = RssMib(o.hostd_pid, "VmHWM:");
  step["job"] = job.Wait(absl::Seconds(o.seconds + 120));
  step["agent_streams_ended"] = fleet.ended();
  return step;
}

int Main(int argc, char** argv) {
  Options o;
  std::string error;
  if (!Parse(argc, argv, o, error)) return Usage(error);
  ControlClient control(o.control);
  if (std::string up = control.WaitUp(absl::Seconds(60)); !up.empty()) {
    std::fprintf(stderr, "fta-hostd: %s\n", up.c_str());
    return 1;
  }
  SimAgentOptions agent_options;
  agent_options.endpoint = o.agents_endpoint;
  agent_options.phase_ns = (int64_t{o.seconds} + 3) * 1000000000;
  SimFleet fleet(o.state_dir, agent_options, /*tick_ms=*/100);
  nlohmann::json steps = nlohmann::json::array();
  int have = 0;
  for (int want : o.steps) {
    if (want <= have) continue;
    nlohmann::json step = RunStep(o, control, fleet, have, want);
    std::cerr << "agent_load: " << step.dump() << std::endl;
    const bool failed = step.contains("error");
    steps.push_back(std::move(step));
    if (failed) break;
    have = want;
  }
  nlohmann::json out = {{"steps", steps}, {"seconds", o.seconds}};
  std::cout << out.dump() << std::endl;
  std::fflush(stdout);
  _exit(0);  // the agents' streams end with the process
}

}  // namespace
}  // namespace fta::bench

int main(int argc, char** argv) { return fta::bench::Main(argc, argv); }
