// The `vf` verbs of ftactl (client/main.cc calls AddVfVerbs once, beside the
// other Add*Verbs):
//   ftactl vf list     every SR-IOV VF under hostd's sysfs root, managed or not
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

#include "client/client.h"

namespace fta::client {

void AddVfVerbs(CLI::App& app, std::function<int(Client&)>& action);

}  // namespace fta::client
