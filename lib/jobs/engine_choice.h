// Which engine runs a job: the built-in IOR engine or the real IOR as one
// MPI job across the FTAs (job_mpi.cc, mpi_command.h).
//
//   ENGINE_BUILTIN, ENGINE_UNSPECIFIED: built-in (the default).
//   ENGINE_IOR: real IOR under mpirun; FAILED_PRECONDITION naming the engine
//               and what is missing: mpirun or the relay on this host
//               (`mpi_problem`, "" when none), or ior on a target FTA (the
//               first that reported none at registration); INVALID_ARGUMENT
//               naming an option IOR cannot be given.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "fta/v1/common.pb.h"
#include "lib/ior/ior_params.h"

namespace fta::hostd {

struct EngineChoice {
  fta::v1::Engine engine = fta::v1::ENGINE_BUILTIN;  // BUILTIN | IOR
  std::string ior_version;  // real ior: the agents' version(s), comma-joined when they differ
  std::string timestamp_source;  // "engine" | "ior-reported"
};

absl::StatusOr<EngineChoice> ChooseEngine(const fta::v1::IorSpec& spec, const ior::IorParams& params,
                                          const std::vector<fta::v1::Fta>& targets, const std::string& mpi_problem);

}  // namespace fta::hostd
