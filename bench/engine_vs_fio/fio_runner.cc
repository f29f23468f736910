#include "bench/engine_vs_fio/fio_runner.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "nlohmann/json.hpp"

namespace fta::bench {
namespace {

// Runs argv, returns (exit status, stdout + stderr).
absl::StatusOr<std::pair<int, std::string>> Capture(const std::vector<std::string>& argv) {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return absl::ErrnoToStatus(errno, "pipe");
  pid_t pid = ::fork();
  if (pid < 0) return absl::ErrnoToStatus(errno, "fork");
  if (pid == 0) {
    ::dup2(pipe_fds[1], STDOUT_FILENO);
    ::dup2(pipe_fds[1], STDERR_FILENO);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    _exit(127);
  }
  ::close(pipe_fds[1]);
  std::string output;
  char buffer[65536];
  while (true) {
    ssize_t n = ::read(pipe_fds[0], buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    output.append(buffer, static_cast<size_t>(n));
  }
  ::close(pipe_fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return std::make_pair(status, output);
}

}  // namespace

std::vector<std::string> FioArgv(const FioJob& job) {
  std::vector<std::string> argv = {
      job.fio,
      absl::StrCat("--name=", job.name),
      absl::StrCat("--directory=", job.directory),
      absl::StrCat("--rw=", job.rw),
      absl::StrCat("--bs=", job.block_size),
      absl::StrCat("--size=", job.size),
      absl::StrCat("--numjobs=", job.jobs),
      "--ioengine=sync",
      "--group_reporting",
      "--fallocate=none",
      // IOR does not drop a file's cache before a phase; fio would.
      "--invalidate=0",
      "--output-format=json",
  };
  if (job.end_fsync) argv.push_back("--end_fsync=1");
  if (job.direct) argv.push_back("--direct=1");
  return argv;
}

std::vector<std::string> FioFiles(const FioJob& job) {
  std::vector<std::string> files;
  for (int k = 0; k < job.jobs; ++k)
    files.push_back(absl::StrCat(job.directory, "/", job.name, ".", k, ".0"));
  return files;
}

absl::StatusOr<FioResult> RunFio(const FioJob& job) {
  const std::vector<std::string> argv = FioArgv(job);
  absl::StatusOr<std::pair<int, std::string>> run = Capture(argv);
  if (!run.ok()) return run.status();
  const auto& [status, output] = *run;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return absl::InternalError(
        absl::StrCat(absl::StrJoin(argv, " "), " failed (status ", status, "): ", output));
  }
  // fio may print notes before the document.
  const size_t start = output.find('{');
  if (start == std::string::npos) return absl::InternalError(absl::StrCat("no JSON from fio: ", output));
  nlohmann::json report = nlohmann::json::parse(output.substr(start), nullptr, /*allow_exceptions=*/false);
  if (report.is_discarded() || !report.contains("jobs") || report["jobs"].empty()) {
    return absl::InternalError(absl::StrCat("unreadable fio JSON: ", output.substr(0, 400)));
  }
  const nlohmann::json& direction = report["jobs"][0][job.rw];
  FioResult result;
  result.io_bytes = direction.value("io_bytes", uint64_t{0});
  result.runtime_seconds = direction.value("runtime", 0.0) / 1000.0;  // fio: milliseconds
  if (result.io_bytes == 0 || result.runtime_seconds <= 0) {
    return absl::InternalError(absl::StrCat("fio JSON without io_bytes/runtime for ", job.rw));
  }
  result.mib_per_second = static_cast<double>(result.io_bytes) / result.runtime_seconds / 1048576.0;
  return result;
}

}  // namespace fta::bench
