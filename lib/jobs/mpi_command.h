// The command lines of an engine-ior job: one `mpirun` over the job's FTAs
// (a hostfile naming each FTA with slots = its ranks), OpenMPI's launcher
// pointed at fta-mpi-relay, and IOR's own options; and the reading of the
// orted command OpenMPI hands the relay.
//
//   mpirun --hostfile H -np N --map-by slot --leave-session-attached --noprefix
//          --mca plm_rsh_agent RELAY --mca plm_rsh_no_tree_spawn 1
//          --mca oob_tcp_if_include IF --mca btl self,vader,tcp --mca btl_tcp_if_include IF
//          [--allow-run-as-root] IOR -a POSIX -F -w -r -t T -b B -s S -i I ... -o DIR/NAME
//          -O summaryFormat=JSON -O summaryFile=F -O saveRankPerformanceDetailsCSV=R
//
// --leave-session-attached: without it OpenMPI tells every orted to
// daemonize (with plm_rsh_no_tree_spawn), which would detach it from the
// FTA's agent, from the relay's stream and from the session that dies with
// the agent.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/ior/ior_params.h"

namespace fta::hostd {

struct MpiJobFiles {
  std::string hostfile;
  std::string summary_json;  // IOR's -O summaryFile (JSON)
  std::string rank_csv;      // IOR's -O saveRankPerformanceDetailsCSV
};

struct MpirunSettings {
  std::string mpirun;             // path of mpirun
  std::string relay;              // path of fta-mpi-relay
  std::string tcp_interface;      // OpenMPI's oob/btl TCP interface ("lo": process FTAs only)
  bool as_root = false;           // adds --allow-run-as-root
};

// IOR's argv (after the binary) for `params`; the option this engine
// cannot pass to IOR is refused naming it (INVALID_ARGUMENT).
absl::StatusOr<std::vector<std::string>> IorMpiArgs(const ior::IorParams& params, const MpiJobFiles& files);

// "<fta id> slots=<ranks>" lines, in rank order.
std::string Hostfile(const std::vector<std::pair<std::string, int>>& ranks_by_fta);

std::vector<std::string> MpirunArgv(const MpirunSettings& settings, const MpiJobFiles& files, int total_ranks,
                                    const std::string& ior_path, const std::vector<std::string>& ior_args);

// The words of the orted command as OpenMPI gives it to plm_rsh_agent
// (written for a remote shell: ` orted`, `"env"`, `"1.0;tcp://..."`), as the
// argv it means, without a shell: each word trimmed and one pair of
// enclosing quotes removed. A word a shell would expand or split (a
// variable, `;` outside quotes, an escape) is refused (INVALID_ARGUMENT
// naming it), and so is any program but OpenMPI's orted.
absl::StatusOr<std::vector<std::string>> OrtedArgv(const std::vector<std::string>& words);

}  // namespace fta::hostd
