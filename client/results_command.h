// The `ftactl results ...` subcommand, shared by the files that add verbs to
// it (results_import_verbs.cc, and the results list/show/export/compare
// verbs): whoever comes first creates it, the others attach to it.
#pragma once

#include <CLI/CLI.hpp>

namespace fta::client {

// The `results` subcommand of `app`, created on first use.
CLI::App* ResultsCommand(CLI::App& app);

}  // namespace fta::client
