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
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lib/core/file_text.h"
#include "lib/core/status_macros.h"
#include "lib/ior/ior_output.h"
#include "spdlog/spdlog.h"

extern char** environ;

namespace fta::agent {
namespace {

// How often a running ior is checked for exit or cancellation. The phase
// itself is timed by the clock reads around it, not by this poll.
constexpr std::chrono::milliseconds kPollInterval{5};

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

// The run's output: the JSON summary file, else stdout (text or JSON).
absl::StatusOr<ior::IorRun> ParseRun(const IorProcessResult& process, const std::string& summary_file) {
  std::string summary = ReadFileOrEmpty(summary_file);
  absl::StatusOr<ior::IorRun> run =
      summary.empty() ? ior::ParseIorOutput(process.stdout_text) : ior::ParseIorJson(summary);
  if (!run.ok()) {
    return absl::Status(run.status().code(), absl::StrCat("ior output: ", run.status().message()));
  }
  return run;
}

}  // namespace

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
  result.stdout_text = ReadFileOrEmpty(out_path);
  result.stderr_text = ReadFileOrEmpty(err_path);
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

}  // namespace fta::agent
