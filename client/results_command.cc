#include "client/results_command.h"

namespace fta::client {

CLI::App* ResultsCommand(CLI::App& app) {
  for (CLI::App* sub : app.get_subcommands([](CLI::App* candidate) { return candidate->get_name() == "results"; })) {
    return sub;
  }
  CLI::App* results = app.add_subcommand("results", "Stored results: IOR runs measured here or imported");
  results->require_subcommand(1);
  return results;
}

}  // namespace fta::client
