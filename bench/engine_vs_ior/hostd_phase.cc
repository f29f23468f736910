#include "bench/engine_vs_ior/hostd_phase.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "lib/core/run_tool.h"
#include "lib/core/session_process.h"
#include "lib/ior/ior_output.h"
#include "nlohmann/json.hpp"

namespace fta::bench {
namespace {

absl::StatusOr<std::string> Run(const std::vector<std::string>& argv) {
  absl::StatusOr<ToolResult> run = RunTool(argv);
  if (!run.ok()) return run.status();
  if (run->exit_code != 0) {
    return absl::InternalError(absl::StrCat(absl::StrJoin(argv, " "), " exited ", run->exit_code, ": ", run->output));
  }
  return run->output;
}

std::vector<std::string> IorPatternArgs(const IorPhase& p, bool read) {
  std::vector<std::string> args = {"-a", "POSIX", "-F", "-w", "-k", "-t", absl::StrCat(p.transfer), "-b",
                                   absl::StrCat(p.size), "-s", "1", "-i", "1", "-o",
                                   absl::StrCat(p.dir, "/", p.file_name)};
  if (read) args.push_back("-r");
  if (p.fsync) args.push_back("-e");
  if (p.direct) args.push_back("--posix.odirect");
  return args;
}

}  // namespace

absl::StatusOr<HostdUnderTest> HostdUnderTest::Start(const std::string& build_dir, const std::string& root,
                                                     const std::string& ior, int ftas, const Clock& clock) {
  std::filesystem::create_directories(root);
  const char* path = std::getenv("PATH");
  const std::string ior_dir = std::filesystem::path(ior).parent_path().string();
  int log = open((root + "/hostd.log").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  absl::StatusOr<pid_t> pid = SpawnSession(
      {{build_dir + "/daemon/fta-hostd", "--control-socket", root + "/control.sock", "--state-dir", root + "/state",
        "--agent-listen", "unix:" + root + "/agent.sock", "--backend", "process", "--log-level", "warn",
        // The same user as the direct mpirun it is compared with (and the
        // one that may write the bench's --dir).
        "--agents-run-as", "root"},
       {absl::StrCat("PATH=", ior_dir, ":", path != nullptr ? path : "/usr/bin:/bin")},
       log,
       log,
       false});
  close(log);
  if (!pid.ok()) return pid.status();
  HostdUnderTest hostd(build_dir, root, *pid);
  const absl::Time deadline = clock.Now() + absl::Seconds(60);
  auto answers = [&hostd] {
    absl::StatusOr<ToolResult> listed = RunTool(hostd.Ftactl({"fta", "list"}));
    return listed.ok() && listed->exit_code == 0;
  };
  while (!answers()) {
    if (clock.Now() > deadline) return absl::DeadlineExceededError("fta-hostd did not answer within 60 s");
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  absl::StatusOr<std::string> allocated = Run(hostd.Ftactl({"fta", "allocate", "-n", absl::StrCat(ftas)}));
  if (!allocated.ok()) return allocated.status();
  return hostd;
}

HostdUnderTest::HostdUnderTest(HostdUnderTest&& other) noexcept
    : build_dir_(std::move(other.build_dir_)), root_(std::move(other.root_)), pid_(std::exchange(other.pid_, -1)) {}

HostdUnderTest::~HostdUnderTest() {
  if (pid_ <= 0) return;
  (void)RunTool(Ftactl({"fta", "release", "--all"}));
  kill(pid_, SIGTERM);
  while (waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
  }
  KillSession(pid_);
}

std::vector<std::string> HostdUnderTest::Ftactl(std::vector<std::string> args) const {
  args.insert(args.begin(), {build_dir_ + "/client/ftactl", "--host", "unix:" + root_ + "/control.sock"});
  return args;
}

absl::StatusOr<std::map<std::string, double>> HostdUnderTest::RunJob(const IorPhase& p, bool read) const {
  std::vector<std::string> args = {"-o", "json", "ior", "run", "--on", "all", "--engine", "ior", "-w", "-k",
                                   "-t", absl::StrCat(p.transfer), "-b", absl::StrCat(p.size), "-d", p.dir,
                                   "--file-name", p.file_name};
  if (read) args.push_back("-r");
  if (p.fsync) args.push_back("-e");
  if (p.direct) args.push_back("--odirect");
  absl::StatusOr<std::string> out = Run(Ftactl(args));
  if (!out.ok()) return out.status();
  nlohmann::json job = nlohmann::json::parse(*out, nullptr, false);
  std::map<std::string, double> mib;
  if (job.is_discarded() || !job.contains("aggregates")) return absl::InternalError("ftactl: no job JSON: " + *out);
  for (const auto& aggregate : job["aggregates"]) {
    std::string phase = absl::AsciiStrToLower(aggregate.value("phase", ""));
    mib[phase.find("write") != std::string::npos ? "write" : "read"] = aggregate.value("bandwidth_mib", 0.0);
  }
  return mib;
}

absl::StatusOr<std::map<std::string, double>> RunIorWhole(const IorPhase& p, bool read) {
  const std::string summary = absl::StrCat(p.dir, "/", p.file_name, ".summary.json");
  std::vector<std::string> argv = {p.mpirun, "--allow-run-as-root", "--oversubscribe", "-np", absl::StrCat(p.ranks),
                                   p.ior};
  for (const std::string& arg : IorPatternArgs(p, read)) argv.push_back(arg);
  argv.insert(argv.end(), {"-O", "summaryFormat=JSON", "-O", "summaryFile=" + summary});
  absl::StatusOr<std::string> out = Run(argv);
  if (!out.ok()) return out.status();
  absl::StatusOr<ior::IorRun> parsed = TakeIorSummary(summary);
  if (!parsed.ok()) return parsed.status();
  std::map<std::string, double> mib;
  for (const ior::IorResultRow& row : parsed->results) mib[row.access] = row.bandwidth_mib;
  return mib;
}

}  // namespace fta::bench
