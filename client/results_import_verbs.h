// `ftactl results import FILE...`: IOR output written elsewhere (text or
// JSON) into fta-hostd's results store (ResultsService.ImportIorOutput), one
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

void AddResultsImportVerb(CLI::App& app, std::function<int(Client&)>& action);

}  // namespace fta::client
