// Which engine runs a job: the built-in IOR engine or the real `ior` binary
// on every agent (lib/agent/ior_runner.h).
//
//   ENGINE_BUILTIN:        built-in.
//   ENGINE_IOR:            real ior; FAILED_PRECONDITION naming the first FTA
//                          that reported no ior binary at registration, and
//                          INVALID_ARGUMENT naming an option the real-ior
//                          engine cannot honour across agents.
//   ENGINE_UNSPECIFIED:    real ior when every target has it and the options
//                          allow it, else built-in.
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
  std::string timestamp_source;  // what the agents will report ("engine" | "agent-wallclock")
};

absl::StatusOr<EngineChoice> ChooseEngine(const fta::v1::IorSpec& spec, const ior::IorParams& params,
                                          const std::vector<fta::v1::Fta>& targets);

}  // namespace fta::hostd
