#include "client/results_command.h"

namespace fta::client {

CLI::App* ResultsCommand(CLI::App& app) {
  for (CLI::App* sub : app.get_subcommands([](CLI::App* candidate) { return candidate->get_name() == "results"; })) {
    return sub;
  }
  CLI::App* results = app.add_subcommand("results", "Old name of sweep list|show|export|compare and job import (for scripts)");
  results->require_subcommand(1);
  return results;
}

}  // namespace fta::client
