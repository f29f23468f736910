#include "lib/jobs/mpi_command.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace fta::hostd {

absl::StatusOr<std::vector<std::string>> IorMpiArgs(const ior::IorParams& p, const MpiJobFiles& files) {
  if (p.random_seed != 0) {
    return absl::InvalidArgumentError("random_seed: IOR seeds -z itself; not with engine ior");
  }
  std::vector<std::string> args = {"-a", "POSIX", "-F"};
  if (p.write) args.push_back("-w");
  if (p.read) args.push_back("-r");
  for (const auto& [flag, value] : std::vector<std::pair<const char*, uint64_t>>{
           {"-t", p.transfer_size}, {"-b", p.block_size}, {"-s", p.segments}, {"-i", p.iterations}}) {
    args.insert(args.end(), {flag, absl::StrCat(value)});
  }
  auto flag_if = [&args](bool on, const char* flag) {
    if (on) args.push_back(flag);
  };
  flag_if(p.fsync, "-e");
  flag_if(p.keep_files, "-k");
  flag_if(p.use_existing, "-E");
  flag_if(p.fsync_per_write, "-Y");
  flag_if(p.random_offset, "-z");
  flag_if(p.intra_test_barriers, "-g");
  flag_if(p.unique_dir, "-u");
  flag_if(p.verify_read, "-R");
  flag_if(p.odirect, "--posix.odirect");
  if (p.reorder_tasks) args.insert(args.end(), {"-C", "-Q", absl::StrCat(p.task_offset)});
  if (p.deadline_seconds != 0) args.insert(args.end(), {"-D", absl::StrCat(p.deadline_seconds)});
  if (p.stonewall_wear_out) args.insert(args.end(), {"-O", "stoneWallingWearOut=1"});
  if (p.inter_test_delay_seconds != 0) args.insert(args.end(), {"-d", absl::StrCat(p.inter_test_delay_seconds)});
  if (p.max_minutes != 0) args.insert(args.end(), {"-T", absl::StrCat(p.max_minutes)});
  args.insert(args.end(), {"-o", absl::StrCat(p.directory, "/", p.file_name), "-O", "summaryFormat=JSON", "-O",
                           "summaryFile=" + files.summary_json, "-O",
                           "saveRankPerformanceDetailsCSV=" + files.rank_csv});
  return args;
}

std::string Hostfile(const std::vector<std::pair<std::string, int>>& ranks_by_fta) {
  std::string text;
  for (const auto& [fta, ranks] : ranks_by_fta) absl::StrAppend(&text, fta, " slots=", ranks, "\n");
  return text;
}

std::vector<std::string> MpirunArgv(const MpirunSettings& s, const MpiJobFiles& files, int total_ranks,
                                    const std::string& ior_path, const std::vector<std::string>& ior_args) {
  std::vector<std::string> argv = {s.mpirun, "--hostfile", files.hostfile, "-np", absl::StrCat(total_ranks),
                                   "--map-by", "slot", "--leave-session-attached", "--noprefix",
                                   // Every FTA is a "node" of its own to OpenMPI: each orted would bind its
                                   // ranks from the first core on, so the ranks of all process FTAs of a host
                                   // would share core 0 (measured: buffered write 0.13 of a direct mpirun).
                                   // The FTA, not OpenMPI, is the unit of placement.
                                   "--bind-to", "none"};
  for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
           {"plm_rsh_agent", s.relay},
           {"plm_rsh_no_tree_spawn", "1"},
           {"oob_tcp_if_include", s.tcp_interface},
           {"btl", "self,vader,tcp"},
           {"btl_tcp_if_include", s.tcp_interface}}) {
    argv.insert(argv.end(), {"--mca", name, value});
  }
  if (s.as_root) argv.push_back("--allow-run-as-root");
  argv.push_back(ior_path);
  argv.insert(argv.end(), ior_args.begin(), ior_args.end());
  return argv;
}

namespace {

// One word of the remote command as a POSIX shell would read it, when that
// reading is a plain literal.
absl::StatusOr<std::string> LiteralWord(const std::string& raw) {
  std::string word(absl::StripAsciiWhitespace(raw));
  auto refuse = [&raw](const char* why) {
    return absl::InvalidArgumentError(absl::StrCat("argv: word '", raw, "' ", why, " (no shell is used)"));
  };
  if (word.size() >= 2 && word.front() == '\'' && word.back() == '\'') {
    std::string inner = word.substr(1, word.size() - 2);
    if (absl::StrContains(inner, '\'')) return refuse("has nested quotes");
    return inner;
  }
  if (word.size() >= 2 && word.front() == '"' && word.back() == '"') {
    std::string inner = word.substr(1, word.size() - 2);
    if (inner.find_first_of("\"$`\\") != std::string::npos) return refuse("needs shell expansion");
    return inner;
  }
  if (word.empty()) return refuse("is empty");
  if (word.find_first_of(" \t\n;&|<>()$`\\\"'*?[]#~{}") != std::string::npos) {
    return refuse("needs a shell (is mpirun's --prefix or a remote shell setting in use?)");
  }
  return word;
}

}  // namespace

absl::StatusOr<std::vector<std::string>> OrtedArgv(const std::vector<std::string>& words) {
  std::vector<std::string> argv;
  for (const std::string& raw : words) {
    absl::StatusOr<std::string> word = LiteralWord(raw);
    if (!word.ok()) return word.status();
    argv.push_back(*std::move(word));
  }
  if (argv.empty()) return absl::InvalidArgumentError("argv: empty");
  const std::string& program = argv[0];
  if (program != "orted" && !absl::EndsWith(program, "/orted")) {
    return absl::InvalidArgumentError(absl::StrCat("argv: only OpenMPI's orted is relayed, not '", program, "'"));
  }
  return argv;
}

}  // namespace fta::hostd
