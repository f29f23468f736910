// `ftactl ior run` flags for the built-in engine's IOR options beyond the
// basic ones: IOR's letters where ftactl does not use them already (-Y -z -D
// -T -g -u), long names otherwise (-d is ftactl's directory, so IOR's
// inter-test delay is --delay).
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

#include "fta/v1/common.pb.h"

namespace fta::cli {

// Adds the flags to `run`; the returned function, called once parsing is
// done, copies their values into an IorSpec.
std::function<void(fta::v1::IorSpec*)> AddEngineOptionFlags(CLI::App* run);

}  // namespace fta::cli
