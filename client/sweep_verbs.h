// The `sweep`, `results` and `report` verbs of ftactl (client/main.cc calls
// AddSweepVerbs once, beside the other Add*Verbs).
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

#include "client/client.h"

namespace fta::client {

void AddSweepVerbs(CLI::App& app, std::function<int(Client&)>& action);

}  // namespace fta::client
