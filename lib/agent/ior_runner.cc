#include "lib/agent/ior_runner.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lib/core/status_macros.h"
#include "lib/ior/ior_output.h"
#include "spdlog/spdlog.h"

extern char** environ;

namespace fta::agent {
namespace {

// How often a running ior is checked for exit or cancellation. The phase
// itself is timed by the clock reads around it, not by this poll.
constexpr std::chrono::milliseconds kPollInterval{5};

std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// A private directory under TMPDIR (or /tmp), removed by the destructor.
class ScratchDir {
 public:
  static absl::StatusOr<ScratchDir> Create() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = absl::StrCat(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp", "/fta-ior-XXXXXX");
    if (mkdtemp(pattern.data()) == nullptr) {
      return absl::InternalError(absl::StrCat("mkdtemp ", pattern, ": ", std::strerror(errno)));
    }
    return ScratchDir(pattern);
  }
  ScratchDir(ScratchDir&& other) noexcept : path_(std::exchange(other.path_, "")) {}
  ScratchDir& operator=(ScratchDir&&) = delete;
  ~ScratchDir() {
    if (path_.empty()) return;
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }

 private:
  explicit ScratchDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

std::string FileBase(const ior::IorParams& params, int rank) {
  return absl::StrFormat("%s/%s.%08d", params.directory, params.file_name, rank);
}

// The run's output: the JSON summary file, else stdout (text or JSON).
absl::StatusOr<ior::IorRun> ParseRun(const IorProcessResult& process, const std::string& summary_file) {
  std::string summary = ReadWholeFile(summary_file);
  absl::StatusOr<ior::IorRun> run =
      summary.empty() ? ior::ParseIorOutput(process.stdout_text) : ior::ParseIorJson(summary);
  if (!run.ok()) {
    return absl::Status(run.status().code(), absl::StrCat("ior output: ", run.status().message()));
  }
  return run;
}

class IorRankEngine final : public RankEngine {
 public:
  IorRankEngine(const ior::IorParams& params, int rank, int total_ranks, const Clock* clock, std::string ior_path)
      : params_(params), rank_(rank), total_ranks_(total_ranks), clock_(clock), ior_path_(std::move(ior_path)) {}

  absl::StatusOr<ior::PhaseMeasurement> Write(ior::LiveCounters* counters, const std::atomic<bool>* cancel) override {
    return RunPhase(fta::v1::PHASE_WRITE, counters, cancel);
  }
  absl::StatusOr<ior::PhaseMeasurement> Read(ior::LiveCounters* counters, const std::atomic<bool>* cancel) override {
    return RunPhase(fta::v1::PHASE_READ, counters, cancel);
  }
  absl::Status Remove() override {
    std::string path = IorRankFile(params_, rank_);
    if (unlink(path.c_str()) != 0 && errno != ENOENT) {
      return absl::InternalError(absl::StrCat("unlink ", path, ": ", std::strerror(errno)));
    }
    return absl::OkStatus();
  }
  std::string timestamp_source() const override { return kTimestampSourceAgentWallclock; }
  double reported_bandwidth_mib() const override { return reported_bandwidth_mib_; }

 private:
  absl::StatusOr<ior::PhaseMeasurement> RunPhase(fta::v1::Phase phase, ior::LiveCounters* counters,
                                                 const std::atomic<bool>* cancel) {
    reported_bandwidth_mib_ = 0;
    FTA_ASSIGN_OR_RETURN(ScratchDir scratch, ScratchDir::Create());
    std::string summary_file = scratch.path() + "/summary.json";
    std::vector<std::string> args = IorPhaseArgs(params_, rank_, total_ranks_, phase, summary_file);
    // Live samples while ior runs: the bytes it moved so far in this phase's
    // direction, in whole transfers; replaced by the exact count at the end.
    const bool writing = phase == fta::v1::PHASE_WRITE;
    const int64_t expected = static_cast<int64_t>(params_.segments * params_.block_size);
    int64_t live_bytes = 0;
    auto on_io = [&](const ProcessIo& io) {
      int64_t moved = std::min(expected, writing ? io.written_bytes : io.read_bytes);
      moved -= moved % static_cast<int64_t>(params_.transfer_size);
      if (moved <= live_bytes) return;
      counters->bytes += static_cast<uint64_t>(moved - live_bytes);
      counters->ops += static_cast<uint64_t>((moved - live_bytes) / static_cast<int64_t>(params_.transfer_size));
      live_bytes = moved;
    };
    FTA_ASSIGN_OR_RETURN(IorProcessResult process,
                         RunIorProcess(ior_path_, args, scratch.path(), *clock_, cancel, on_io));
    FTA_RETURN_IF_ERROR(
        ior::IorExitStatus(process.exit_code, process.signal, process.stdout_text, process.stderr_text));
    FTA_ASSIGN_OR_RETURN(ior::IorRun run, ParseRun(process, summary_file));
    const char* access = phase == fta::v1::PHASE_WRITE ? "write" : "read";
    const ior::IorResultRow* row = nullptr;
    for (const ior::IorResultRow& r : run.results) {
      if (r.access == access) row = &r;
    }
    if (row == nullptr) return absl::InternalError(absl::StrCat("ior output has no ", access, " result"));

    ior::PhaseMeasurement m;
    m.bytes = params_.segments * params_.block_size;
    m.ops = m.bytes / params_.transfer_size;
    // Outer bounds: the agent's clock around the process. Inner split: IOR's
    // durations, placed at the end of the window (start-up comes first).
    auto ns = [](double seconds) { return static_cast<int64_t>(seconds * 1e9); };
    m.open_start_ns = process.spawn_ns;
    m.close_end_ns = process.exit_ns;
    m.close_start_ns = std::max(m.open_start_ns, m.close_end_ns - ns(row->close_seconds));
    m.xfer_end_ns = m.close_start_ns;
    m.xfer_start_ns = std::max(m.open_start_ns, m.xfer_end_ns - ns(row->xfer_seconds));
    m.open_end_ns = m.xfer_start_ns;
    reported_bandwidth_mib_ = row->bandwidth_mib;
    counters->bytes += m.bytes - static_cast<uint64_t>(live_bytes);
    counters->ops += m.ops - static_cast<uint64_t>(live_bytes) / params_.transfer_size;
    return m;
  }

  const ior::IorParams params_;
  const int rank_;
  const int total_ranks_;
  const Clock* const clock_;
  const std::string ior_path_;
  double reported_bandwidth_mib_ = 0;
};

}  // namespace

std::string IorRankFile(const ior::IorParams& params, int rank) { return FileBase(params, rank) + ".00000000"; }

std::vector<std::string> IorPhaseArgs(const ior::IorParams& params, int rank, int total_ranks, fta::v1::Phase phase,
                                      const std::string& summary_file) {
  std::vector<std::string> args = {"-a", "POSIX", "-F", phase == fta::v1::PHASE_WRITE ? "-w" : "-r",
                                   "-t", absl::StrCat(params.transfer_size),
                                   "-b", absl::StrCat(params.block_size),
                                   "-s", absl::StrCat(params.segments),
                                   "-i", "1", "-k"};
  int file_rank = rank;
  if (phase == fta::v1::PHASE_READ) {
    args.push_back("-E");
    file_rank = ior::ReadTargetRank(params, rank, total_ranks);
  }
  if (phase == fta::v1::PHASE_WRITE && params.fsync) args.push_back("-e");
  if (phase == fta::v1::PHASE_WRITE && params.fsync_per_write) args.push_back("-Y");
  if (params.random_offset) args.push_back("-z");
  if (params.odirect) args.push_back("--posix.odirect");
  args.push_back("-o");
  args.push_back(FileBase(params, file_rank));
  args.push_back("-O");
  args.push_back(absl::StrCat("summaryFormat=JSON,summaryFile=", summary_file));
  return args;
}

absl::StatusOr<ProcessIo> ReadProcessIo(int pid) {
  const std::string path = absl::StrCat("/proc/", pid, "/io");
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open"));
  ProcessIo io;
  bool read_seen = false, written_seen = false;
  std::string key;
  int64_t value = 0;
  while (in >> key >> value) {
    if (key == "rchar:") {
      io.read_bytes = value;
      read_seen = true;
    } else if (key == "wchar:") {
      io.written_bytes = value;
      written_seen = true;
    }
  }
  if (!read_seen || !written_seen) return absl::NotFoundError(absl::StrCat(path, ": no rchar/wchar"));
  return io;
}

absl::StatusOr<IorProcessResult> RunIorProcess(const std::string& ior_path, const std::vector<std::string>& args,
                                               const std::string& scratch_dir, const Clock& clock,
                                               const std::atomic<bool>* cancel,
                                               const std::function<void(const ProcessIo&)>& on_io) {
  std::vector<std::string> argv_strings = {ior_path};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& arg : argv_strings) argv.push_back(arg.data());
  argv.push_back(nullptr);

  const std::string out_path = scratch_dir + "/stdout.txt";
  const std::string err_path = scratch_dir + "/stderr.txt";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  // The agent blocks SIGTERM/SIGINT for its signal thread; ior must not
  // inherit that mask.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t empty_mask;
  sigemptyset(&empty_mask);
  posix_spawnattr_setsigmask(&attr, &empty_mask);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);

  IorProcessResult result;
  pid_t pid = 0;
  result.spawn_ns = clock.NowUnixNanos();
  int rc = posix_spawn(&pid, ior_path.c_str(), &actions, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) return absl::FailedPreconditionError(absl::StrCat("cannot run ", ior_path, ": ", std::strerror(rc)));

  int status = 0;
  bool cancelled = false;
  auto report_io = [&] {
    if (!on_io) return;
    absl::StatusOr<ProcessIo> io = ReadProcessIo(pid);
    if (io.ok()) on_io(*io);
  };
  while (true) {
    // Peek without reaping: the exited process's /proc/<pid>/io still holds
    // its final counts until waitpid below.
    siginfo_t info{};
    if (waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) < 0 && errno != EINTR) {
      return absl::InternalError(absl::StrCat("waitid ", pid, ": ", std::strerror(errno)));
    }
    report_io();
    if (info.si_pid == pid) break;
    if (!cancelled && cancel != nullptr && cancel->load()) {
      kill(pid, SIGKILL);
      cancelled = true;
    }
    std::this_thread::sleep_for(kPollInterval);
  }
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_ns = clock.NowUnixNanos();
  if (cancelled) return absl::CancelledError("ior stopped: phase cancelled");
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  result.stdout_text = ReadWholeFile(out_path);
  result.stderr_text = ReadWholeFile(err_path);
  return result;
}

absl::StatusOr<std::string> ProbeIorVersion(const std::string& ior_path) {
  FTA_ASSIGN_OR_RETURN(ScratchDir scratch, ScratchDir::Create());
  const std::string summary_file = scratch.path() + "/summary.json";
  std::vector<std::string> args = {"-a", "POSIX", "-w", "-t", "8", "-b", "8", "-s", "1", "-i", "1",
                                   "-o", scratch.path() + "/probe", "-O",
                                   absl::StrCat("summaryFormat=JSON,summaryFile=", summary_file)};
  RealClock clock;
  FTA_ASSIGN_OR_RETURN(IorProcessResult process, RunIorProcess(ior_path, args, scratch.path(), clock, nullptr));
  FTA_RETURN_IF_ERROR(ior::IorExitStatus(process.exit_code, process.signal, process.stdout_text,
                                         process.stderr_text));
  FTA_ASSIGN_OR_RETURN(ior::IorRun run, ParseRun(process, summary_file));
  if (run.version.empty()) return absl::InternalError("ior output names no version");
  return run.version;
}

EngineFactory MakeIorEngineFactory(const Clock* clock, std::string ior_path) {
  return [clock, ior_path](const ior::IorParams& params, int rank, int total_ranks, int64_t) {
    return std::make_unique<IorRankEngine>(params, rank, total_ranks, clock, ior_path);
  };
}

}  // namespace fta::agent
