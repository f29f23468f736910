// `ftactl ior run` flags for the built-in engine's IOR options beyond the
// basic ones: IOR's letters where ftactl does not use them already (-Y -z -D
// -T -g -u), long names otherwise (-d is ftactl's directory, so IOR's
// inter-test delay is --delay).
#pragma once

#include <CLI/CLI.hpp>

#include "fta/v1/common.pb.h"

namespace fta::client {

// Adds the flags to `run`; they set their fields of `*spec` as they are
// parsed (`spec` must outlive parsing).
void AddEngineOptionFlags(CLI::App* run, fta::v1::IorSpec* spec);

}  // namespace fta::client
