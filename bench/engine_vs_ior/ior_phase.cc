#include "bench/engine_vs_ior/ior_phase.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "lib/core/run_tool.h"
#include "lib/ior/ior_output.h"

namespace fta::bench {

std::vector<std::string> IorArgv(const IorPhase& phase, bool write, const std::string& summary_file) {
  std::vector<std::string> argv = {phase.mpirun, "--allow-run-as-root", "--oversubscribe", "-np",
                                   absl::StrCat(phase.ranks), phase.ior, "-a", "POSIX", "-F",
                                   write ? "-w" : "-r", "-k", "-t", absl::StrCat(phase.transfer), "-b",
                                   absl::StrCat(phase.size), "-s", "1", "-i", "1", "-o",
                                   absl::StrCat(phase.dir, "/", phase.file_name), "-O",
                                   absl::StrCat("summaryFile=", summary_file), "-O", "summaryFormat=JSON"};
  if (write && phase.fsync) argv.push_back("-e");
  if (phase.direct) argv.push_back("--posix.odirect");
  return argv;
}

absl::StatusOr<ior::IorRun> TakeIorSummary(const std::string& summary_file) {
  std::ifstream in(summary_file);
  std::stringstream content;
  content << in.rdbuf();
  std::filesystem::remove(summary_file);
  return ior::ParseIorOutput(content.str());
}

absl::StatusOr<double> RunIorPhase(const IorPhase& phase, bool write) {
  const std::string summary_file = absl::StrCat(phase.dir, "/", phase.file_name, ".summary.json");
  const std::vector<std::string> argv = IorArgv(phase, write, summary_file);
  absl::StatusOr<ToolResult> run = RunTool(argv);
  if (!run.ok()) return run.status();
  if (run->exit_code != 0) {
    return absl::InternalError(absl::StrCat(absl::StrJoin(argv, " "), " exited ", run->exit_code, ": ", run->output));
  }
  absl::StatusOr<ior::IorRun> parsed = TakeIorSummary(summary_file);
  if (!parsed.ok()) return parsed.status();
  if (parsed->results.empty()) return absl::InternalError("IOR's summary holds no result");
  return parsed->results.front().bandwidth_mib;
}

void RemoveIorFiles(const IorPhase& phase) {
  for (int rank = 0; rank < phase.ranks; ++rank) {
    std::filesystem::remove(absl::StrCat(phase.dir, "/", phase.file_name, ".", absl::StrFormat("%08d", rank)));
  }
}

}  // namespace fta::bench
