// The `ftactl results ...` noun: the old name of `sweep list|show|export|
// compare` and `job import`, kept for scripts. Shared by the files that add
// verbs to it (import_verbs.cc, sweep_verbs.cc): whoever comes first creates
// it, the others attach to it.
#pragma once

#include <CLI/CLI.hpp>

namespace fta::client {

// The `results` subcommand of `app`, created on first use.
CLI::App* ResultsCommand(CLI::App& app);

}  // namespace fta::client
