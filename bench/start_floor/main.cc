// start_floor: the start skew this machine allows, without fta-host.
//
// N processes are forked and parked (sleeping to one absolute instant with
// clock_nanosleep(TIMER_ABSTIME) on CLOCK_REALTIME and 1 ns timer slack, as
// a parked rank waits for its start in lib/agent/start_gate), then each takes the time and creates, writes and closes
// a file of its own (O_CREAT|O_EXCL, the -w phase of `-t 4k -b 4k`), or
// with --phase read opens and reads the file a write left, or with --phase
// wake only takes the time (what waking N processes costs by itself); none
// exits before all have opened. The spread of those open starts (max - min)
// is a reference for bench/start_skew.sh's figures, not a strict bound:
// fta-host's agents have been measured waking tighter than these forked
// children of one parent.
//
//   start_floor --processes 64 --reps 10 --dir /tmp/x [--phase write|read|wake]
//               [--as processes|threads]
// (--as threads: the N are threads of one process instead, to tell what
// switching between address spaces costs.)
//
// Prints {"processes":N,"reps":R,"phase":..,"spread_p50_ms":..,
// "spread_max_ms":..,"open_io_close_p50_us":..} (nearest-rank percentiles
// over the reps).
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace {

constexpr int64_t kLeadNs = 1'000'000'000;  // time to fork and park them all
constexpr size_t kBytes = 4096;

enum class Phase { kWrite, kRead, kWake };

std::optional<Phase> ParsePhase(const std::string& word) {
  if (word == "write") return Phase::kWrite;
  if (word == "read") return Phase::kRead;
  if (word == "wake") return Phase::kWake;
  return std::nullopt;
}

int64_t NowNs() {
  timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  return int64_t{now.tv_sec} * 1'000'000'000 + now.tv_nsec;
}

void SleepUntil(int64_t unix_ns) {
  const timespec at{static_cast<time_t>(unix_ns / 1'000'000'000), static_cast<long>(unix_ns % 1'000'000'000)};
  while (clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &at, nullptr) != 0) {
  }
}

// In the child (or thread): park, open/transfer/close at the instant,
// report, wait for the others. Times go to the shared `times` (open start,
// close end). Returns whether the transfer went through.
bool RunOne(const std::string& file, Phase phase, int64_t start_ns, int64_t* times) {
  std::vector<char> data(kBytes, 'x');
  prctl(PR_SET_TIMERSLACK, 1, 0, 0, 0);  // as StartGate: wake at the instant
  times[0] = times[1] = 0;  // the shared page mapped now, not at the instant
  SleepUntil(start_ns);
  times[0] = NowNs();
  if (phase == Phase::kWake) {
    times[1] = times[0];
    SleepUntil(start_ns + kLeadNs);
    return true;
  }
  const bool read_phase = phase == Phase::kRead;
  const int fd = read_phase ? open(file.c_str(), O_RDONLY) : open(file.c_str(), O_CREAT | O_EXCL | O_WRONLY, 0644);
  const ssize_t moved = fd < 0 ? -1 : read_phase ? read(fd, data.data(), data.size()) : write(fd, data.data(), data.size());
  if (fd >= 0) close(fd);
  const bool ok = moved == static_cast<ssize_t>(data.size());
  times[1] = ok ? NowNs() : -1;
  SleepUntil(start_ns + kLeadNs);  // exits cost CPU too: after every open
  return ok;
}

// The files a read phase finds (a write phase's, as -w -r leaves them).
bool WriteFiles(const std::vector<std::string>& files) {
  const std::vector<char> data(kBytes, 'x');
  for (const std::string& file : files) {
    const int fd = open(file.c_str(), O_CREAT | O_TRUNC | O_WRONLY, 0644);
    if (fd < 0 || write(fd, data.data(), data.size()) != static_cast<ssize_t>(data.size())) return false;
    close(fd);
  }
  return true;
}

double Percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  const size_t rank = static_cast<size_t>(std::max(1.0, p * static_cast<double>(values.size()) + 0.999999));
  return values[std::min(rank, values.size()) - 1];
}

int Usage(const char* error) {
  std::fprintf(stderr, "%s\nusage: start_floor --processes N --reps R --dir DIR\n", error);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  int processes = 64;
  int reps = 10;
  std::string dir;
  std::string phase = "write";
  Phase parsed_phase = Phase::kWrite;
  std::string as = "processes";
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--as" && (std::string(argv[i + 1]) == "processes" || std::string(argv[i + 1]) == "threads")) {
      as = argv[i + 1];
    } else if (flag == "--dir") {
      dir = argv[i + 1];
    } else if (flag == "--phase" && ParsePhase(argv[i + 1])) {
      phase = argv[i + 1];
      parsed_phase = *ParsePhase(phase);
    } else if (flag == "--processes" && absl::SimpleAtoi(argv[i + 1], &processes) && processes >= 1 &&
               processes <= 4096) {
    } else if (flag == "--reps" && absl::SimpleAtoi(argv[i + 1], &reps) && reps >= 1 && reps <= 1000) {
    } else {
      return Usage(absl::StrCat(flag, ": unknown, or not a count in range").c_str());
    }
  }
  if (dir.empty() || argc % 2 == 0) return Usage("--dir is required; flags take one value each");
  const bool read_phase = parsed_phase == Phase::kRead;
  auto* times = static_cast<int64_t*>(
      mmap(nullptr, sizeof(int64_t) * 2 * processes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0));
  if (times == MAP_FAILED) return Usage(std::strerror(errno));
  std::vector<double> spreads_ms, work_us;
  for (int rep = 0; rep < reps; ++rep) {
    const int64_t start_ns = NowNs() + kLeadNs;
    std::vector<std::string> files;
    for (int i = 0; i < processes; ++i) {
      files.push_back(absl::StrCat(dir, "/start_floor.", i));
      unlink(files.back().c_str());
    }
    if (read_phase && !WriteFiles(files)) return Usage(absl::StrCat("cannot write the files in ", dir).c_str());
    int failed = 0;
    if (as == "threads") {
      std::vector<std::thread> threads;
      std::atomic<int> thread_failures{0};
      for (int i = 0; i < processes; ++i) {
        threads.emplace_back([&, i] {
          if (!RunOne(files[i], parsed_phase, start_ns, times + 2 * i)) ++thread_failures;
        });
      }
      for (std::thread& t : threads) t.join();
      failed = thread_failures;
    } else {
      for (int i = 0; i < processes; ++i) {
        if (fork() == 0) _exit(RunOne(files[i], parsed_phase, start_ns, times + 2 * i) ? 0 : 1);
      }
      for (int i = 0; i < processes; ++i) {
        int status = 0;
        wait(&status);
        failed += WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
      }
    }
    for (const std::string& file : files) unlink(file.c_str());
    if (failed > 0) return Usage(absl::StrCat(failed, " process(es) could not ", phase, " in ", dir).c_str());
    int64_t first = times[0], last = times[0];
    for (int i = 0; i < processes; ++i) {
      first = std::min(first, times[2 * i]);
      last = std::max(last, times[2 * i]);
      work_us.push_back(static_cast<double>(times[2 * i + 1] - times[2 * i]) / 1e3);
    }
    spreads_ms.push_back(static_cast<double>(last - first) / 1e6);
  }
  nlohmann::json out = {{"processes", processes},
                        {"as", as},
                        {"reps", reps},
                        {"phase", phase},
                        {"spread_p50_ms", Percentile(spreads_ms, 0.5)},
                        {"spread_max_ms", Percentile(spreads_ms, 1.0)},
                        {"open_io_close_p50_us", Percentile(work_us, 0.5)}};
  std::printf("%s\n", out.dump().c_str());
  return 0;
}
