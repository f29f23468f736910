// `ftactl job import FILE...` (also `results import`, its old name, for
// scripts): IOR output written elsewhere (text or JSON) stored as jobs by
// fta-hostd (ImportService.ImportIorOutput), one
// job per file, printed like `ftactl job show` (or as JSON with -o json: the
// job for one file, {"jobs": [...]} for several). A file that does not parse
// is reported as "ftactl: INVALID_ARGUMENT: FILE: line N: ..." and nothing of
// it is stored; the other files are still imported; the exit status is 1 if
// any file failed.
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

#include "client/client.h"

namespace fta::client {

// Adds `import` under `job` (which must exist) and under `results`.
void AddImportVerbs(CLI::App& app, std::function<int(Client&)>& action);

}  // namespace fta::client
