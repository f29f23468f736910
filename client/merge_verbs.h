// `ftactl results merge [FILE...] [--part NAME,ENDPOINT,JOB]... [--store]`:
// one IOR job per host (the same job started together with --start-at on
// several fta-hostds) merged into one result across hosts, computed the IOR
// way over every rank of every host (lib/jobs/job_merge.h), with per-host
// rows and the cross-host start skew. FILEs are `ftactl -o json ior run` or
// `job show -o json` outputs; each is named after its file ("fta1.json" ->
// host fta1). `--part` fetches a job from a hostd instead. `--store` keeps
// the merge on the --host hostd as a job of engine `merged` (merged there
// again, from the same parts), so job show, export and reports work on it.
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

#include "client/client.h"

namespace fta::client {

// Adds `merge` under `results`.
void AddMergeVerbs(CLI::App& app, std::function<int(Client&)>& action);

}  // namespace fta::client
