// ftactl: the operator's command line for fta-hostd. This file maps verbs and
// flags to Client calls and nothing else; formatting lives in lib/cli.
//
// The verbs and flags are a contract: scripts call them, so a renamed noun
// keeps its old name as an alias (`vm` for `fta`, `results` for the sweep
// result verbs and `job import`). IOR's own letters are kept for `ior run`,
// except IOR's -o (test file name), which is --file-name because -o is the
// global output flag.
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "client/client.h"
#include "client/sweep_verbs.h"
#include "client/engine_flags.h"
#include "client/import_verbs.h"
#include "client/merge_verbs.h"
#include "client/verbs.h"
#include "client/vf_verbs.h"
#include "lib/cli/args.h"
#include "lib/cli/enum_words.h"

namespace {

using fta::client::Action;
using fta::client::AddFieldOption;
using fta::client::AddIdVerb;
using fta::client::Client;

// Every verb sets the action from its callback, which CLI11 runs only for the
// verb that was parsed.
void AddHostVerbs(CLI::App& app, Action& action) {
  CLI::App* host = app.add_subcommand("host", "The host fta-hostd runs on");
  host->require_subcommand(1);
  host->add_subcommand("show", "Capacity, backend, SR-IOV status, endpoints")
      ->callback([&action] { action = [](Client& c) { return c.HostShow(); }; });
}

void AddFtaVerbs(CLI::App& app, Action& action) {
  CLI::App* fta = app.add_subcommand("fta", "File transfer agents: processes, VMs or containers");
  fta->alias("vm");  // the noun's old name, for scripts
  fta->require_subcommand(1);

  CLI::App* allocate =
      fta->add_subcommand("allocate", "Start N FTAs; returns when their agents have connected");
  auto count = std::make_shared<int32_t>(0);
  auto connect_timeout = std::make_shared<int32_t>(0);
  auto kind = std::make_shared<std::string>();
  auto owner = std::make_shared<std::string>();
  // Numbers go to the daemon as given, negative ones included: it owns the
  // rules and names the field when it refuses.
  allocate->add_option("-n,--count", *count, "Number of FTAs to start")->required();
  allocate->add_option("--timeout-connect", *connect_timeout,
                       "Seconds to wait for the agents to connect (0: daemon default)");
  allocate->add_option("--kind", *kind, "process | vm | container (default: the backend's kind)");
  allocate->add_option("--owner", *owner, "Who they are for, e.g. slurm:1234 (run on and release them by it)");
  allocate->callback([&action, count, connect_timeout, kind, owner] {
    absl::StatusOr<fta::v1::FtaKind> parsed = fta::cli::FtaKindFromName(*kind, "--kind");
    if (!parsed.ok()) throw CLI::ValidationError(std::string(parsed.status().message()));
    action = [count, connect_timeout, kind = *parsed, owner](Client& c) {
      return c.FtaAllocate(*count, *connect_timeout, kind, *owner);
    };
  });

  CLI::App* list = fta->add_subcommand("list", "List FTAs");
  auto all = std::make_shared<bool>(false);
  auto list_owner = std::make_shared<std::string>();
  list->add_flag("--all", *all, "Include released FTAs");
  list->add_option("--owner", *list_owner, "Only this owner's FTAs");
  list->callback([&action, all, list_owner] {
    action = [all, list_owner](Client& c) { return c.FtaList(*all, *list_owner); };
  });

  AddIdVerb(fta, "show", "Show one FTA", "FTA id", action, &Client::FtaShow);

  CLI::App* release = fta->add_subcommand("release", "Stop FTAs and free their VFs");
  auto ids = std::make_shared<std::vector<std::string>>();
  auto release_all = std::make_shared<bool>(false);
  CLI::Option* ids_option = release->add_option("ID", *ids, "FTA ids");
  auto release_owner = std::make_shared<std::string>();
  CLI::Option* all_option = release->add_flag("--all", *release_all, "Release every FTA")->excludes(ids_option);
  release->add_option("--owner", *release_owner, "Release every FTA of this owner (none: nothing to do)")
      ->excludes(ids_option)
      ->excludes(all_option);
  release->callback([&action, ids, release_all, release_owner] {
    if (ids->empty() && !*release_all && release_owner->empty()) {
      throw CLI::ValidationError("release: give FTA ids, --all or --owner");
    }
    action = [ids, release_all, release_owner](Client& c) { return c.FtaRelease(*ids, *release_all, *release_owner); };
  });
}

void AddIorVerbs(CLI::App& app, Action& action) {
  CLI::App* ior = app.add_subcommand("ior", "IOR benchmark runs across FTAs");
  ior->require_subcommand(1);
  CLI::App* run = ior->add_subcommand(
      "run", "Run IOR synchronised across FTAs and follow it (Ctrl-C detaches, the job goes on)");

  // The flags set the request's fields as they are parsed; the words that
  // need parsing are checked once parsing is done.
  auto request = std::make_shared<fta::v1::RunIorRequest>();
  fta::v1::IorSpec* spec = request->mutable_spec();
  struct Words {
    std::string on, engine, start_at;
  };
  auto words = std::make_shared<Words>();
  run->add_option("--on", words->on, "all | native | owner:NAME | ID,ID,... (the FTAs to run on)")->required();
  AddFieldOption(run, "-t,--transfer-size", spec, "transfer_size", "Transfer size, e.g. 1m, 100k")->required();
  AddFieldOption(run, "-b,--block-size", spec, "block_size", "Block size per rank, e.g. 48g")->required();
  AddFieldOption(run, "-d,--directory", spec, "directory", "Directory for the test files")->required();
  AddFieldOption(run, "-s,--segments", spec, "segments", "Segments (0: daemon default 1)");
  AddFieldOption(run, "-i,--iterations", spec, "iterations", "Iterations (0: daemon default 1)");
  AddFieldOption(run, "-w,--write", spec, "write", "Write phase");
  AddFieldOption(run, "-r,--read", spec, "read", "Read phase (neither -w nor -r: both)");
  AddFieldOption(run, "-e,--fsync", spec, "fsync", "fsync after the write phase");
  AddFieldOption(run, "-k,--keep-files", spec, "keep_files", "Keep the test files");
  AddFieldOption(run, "-C,--reorder-tasks", spec, "reorder_tasks", "Read back another FTA's data");
  AddFieldOption(run, "-Q,--task-offset", spec, "task_offset", "Rank offset for -C (0: default 1)");
  AddFieldOption(run, "-E,--use-existing", spec, "use_existing", "Use existing test files");
  AddFieldOption(run, "--file-name", spec, "file_name", "Test file base name (IOR's -o)");
  run->add_option("--engine", words->engine, "builtin | ior (default: daemon's choice)");
  AddFieldOption(run, "--ranks-per-fta", spec, "ranks_per_fta", "Processes per FTA (0: default 1)");
  AddFieldOption(run, "--ready-timeout", request.get(), "ready_timeout_s",
                 "Seconds for all agents to report ready (0: daemon default)");
  AddFieldOption(run, "--deadline", request.get(), "job_deadline_s", "Seconds for the whole job (0: daemon default)");
  AddFieldOption(run, "--max-ftas", request.get(), "max_ftas", "With --on owner:NAME: its first N ready FTAs (0: all)");
  run->add_option("--start-at", words->start_at,
                  "Start the first phase at this time (RFC 3339 or unix seconds): hosts given the same time start together");
  fta::client::AddEngineOptionFlags(run, spec);  // -Y -z -D -T -g -u ...

  run->callback([&action, request, words] {
    absl::StatusOr<std::vector<std::string>> targets = fta::cli::ParseTargets(words->on);
    if (!targets.ok()) throw CLI::ValidationError(std::string(targets.status().message()));
    absl::StatusOr<fta::v1::Engine> engine = fta::cli::EngineFromName(words->engine, "--engine");
    if (!engine.ok()) throw CLI::ValidationError(std::string(engine.status().message()));
    if (!words->start_at.empty()) {
      absl::StatusOr<int64_t> start_at = fta::cli::ParseStartAt(words->start_at);
      if (!start_at.ok()) throw CLI::ValidationError(std::string(start_at.status().message()));
      request->set_start_at_unix_ms(*start_at);
    }
    for (const std::string& target : *targets) request->add_on(target);
    request->mutable_spec()->set_engine(*engine);
    action = [request](Client& c) { return c.IorRun(*request); };
  });
}

void AddJobVerbs(CLI::App& app, Action& action) {
  CLI::App* job = app.add_subcommand("job", "IOR jobs, running and finished");
  job->require_subcommand(1);

  CLI::App* list = job->add_subcommand("list", "List jobs, newest first");
  auto limit = std::make_shared<int32_t>(0);
  list->add_option("--limit", *limit, "At most N jobs, newest first (0: all)");
  list->callback([&action, limit] { action = [limit](Client& c) { return c.JobList(*limit); }; });

  AddIdVerb(job, "show", "Show a job's results, agents and ranks", "Job id", action, &Client::JobShow);
  AddIdVerb(job, "watch", "Follow a job until it ends", "Job id", action, &Client::JobWatch);
  AddIdVerb(job, "cancel", "Cancel a job", "Job id", action, &Client::JobCancel);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"ftactl: operator command line for fta-hostd", "ftactl"};
  app.set_version_flag("--version", FTA_VERSION);
  app.require_subcommand(1);
  // Global flags may follow the verb ("ftactl job show 7 -o json").
  app.fallthrough();

  std::string host = fta::cli::DefaultEndpoint(std::getenv("FTA_HOST"));
  std::string output = "table";
  double timeout_s = 30;
  app.add_option("--host", host, "unix:PATH or HOST:PORT of fta-hostd ($FTA_HOST)")
      ->capture_default_str();
  app.add_option("-o,--output", output, "table or json")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
  CLI::Option* timeout_option =
      app.add_option("--timeout", timeout_s, "Seconds to wait for each non-streaming call")
          ->check(CLI::Range(0.001, 1e7))
          ->capture_default_str();

  Action action;
  AddHostVerbs(app, action);
  AddFtaVerbs(app, action);
  AddIorVerbs(app, action);
  AddJobVerbs(app, action);
  fta::client::AddSweepVerbs(app, action);
  fta::client::AddVfVerbs(app, action);
  fta::client::AddImportVerbs(app, action);
  fta::client::AddMergeVerbs(app, action);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    int code = app.exit(error);
    // CLI11 has a code per error kind (105, 106, ...); scripts get one: 2.
    return code == 0 ? fta::cli::kExitOk : fta::cli::kExitUsage;
  }

  absl::StatusOr<std::string> target = fta::cli::ParseEndpoint(host);
  if (!target.ok()) {
    std::cerr << "ftactl: " << target.status().message() << '\n';
    return fta::cli::kExitUsage;
  }
  if (!action) return fta::cli::kExitUsage;  // unreachable: a verb is required

  fta::cli::ConnectionOptions options;
  options.target = *target;
  options.json = output == "json";
  options.live = !options.json && isatty(STDERR_FILENO) == 1;
  options.timeout = std::chrono::milliseconds(static_cast<int64_t>(timeout_s * 1000));
  options.timeout_given = timeout_option->count() > 0;
  Client client(std::move(options));
  return action(client);
}
