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
#include "client/vf_verbs.h"
#include "lib/cli/args.h"
#include "lib/cli/enum_words.h"

namespace {

using fta::client::Client;
using Action = std::function<int(Client&)>;

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
  // Numbers go to the daemon as given, negative ones included: it owns the
  // rules and names the field when it refuses.
  allocate->add_option("-n,--count", *count, "Number of FTAs to start")->required();
  allocate->add_option("--timeout-connect", *connect_timeout,
                       "Seconds to wait for the agents to connect (0: daemon default)");
  allocate->add_option("--kind", *kind, "process | vm | container (default: the backend's kind)");
  allocate->callback([&action, count, connect_timeout, kind] {
    absl::StatusOr<fta::v1::FtaKind> parsed = fta::cli::FtaKindFromName(*kind, "--kind");
    if (!parsed.ok()) throw CLI::ValidationError(std::string(parsed.status().message()));
    action = [count, connect_timeout, kind = *parsed](Client& c) {
      return c.FtaAllocate(*count, *connect_timeout, kind);
    };
  });

  CLI::App* list = fta->add_subcommand("list", "List FTAs");
  auto all = std::make_shared<bool>(false);
  list->add_flag("--all", *all, "Include released FTAs");
  list->callback([&action, all] { action = [all](Client& c) { return c.FtaList(*all); }; });

  CLI::App* show = fta->add_subcommand("show", "Show one FTA");
  auto id = std::make_shared<std::string>();
  show->add_option("ID", *id, "FTA id")->required();
  show->callback([&action, id] { action = [id](Client& c) { return c.FtaShow(*id); }; });

  CLI::App* release = fta->add_subcommand("release", "Stop FTAs and free their VFs");
  auto ids = std::make_shared<std::vector<std::string>>();
  auto release_all = std::make_shared<bool>(false);
  CLI::Option* ids_option = release->add_option("ID", *ids, "FTA ids");
  release->add_flag("--all", *release_all, "Release every FTA")->excludes(ids_option);
  release->callback([&action, ids, release_all] {
    if (ids->empty() && !*release_all) throw CLI::ValidationError("release: give FTA ids or --all");
    action = [ids, release_all](Client& c) { return c.FtaRelease(*ids, *release_all); };
  });
}

void AddIorVerbs(CLI::App& app, Action& action) {
  CLI::App* ior = app.add_subcommand("ior", "IOR benchmark runs across FTAs");
  ior->require_subcommand(1);
  CLI::App* run = ior->add_subcommand(
      "run", "Run IOR synchronised across FTAs and follow it (Ctrl-C detaches, the job goes on)");

  auto request = std::make_shared<fta::v1::RunIorRequest>();
  auto on = std::make_shared<std::string>();
  // Plain members to bind, copied into the request once parsing is done.
  struct Flags {
    std::string transfer, block, directory, file_name, engine;
    int64_t segments = 0, iterations = 0, task_offset = 0, ranks_per_fta = 0;
    int32_t ready_timeout = 0, job_deadline = 0;
    bool write = false, read = false, fsync = false, keep = false, reorder = false,
         existing = false;
  };
  auto f = std::make_shared<Flags>();
  run->add_option("--on", *on, "all | native | ID,ID,... (the FTAs to run on)")->required();
  run->add_option("-t,--transfer-size", f->transfer, "Transfer size, e.g. 1m, 100k")->required();
  run->add_option("-b,--block-size", f->block, "Block size per rank, e.g. 48g")->required();
  run->add_option("-d,--directory", f->directory, "Directory for the test files")->required();
  run->add_option("-s,--segments", f->segments, "Segments (0: daemon default 1)");
  run->add_option("-i,--iterations", f->iterations, "Iterations (0: daemon default 1)");
  run->add_flag("-w,--write", f->write, "Write phase");
  run->add_flag("-r,--read", f->read, "Read phase (neither -w nor -r: both)");
  run->add_flag("-e,--fsync", f->fsync, "fsync after the write phase");
  run->add_flag("-k,--keep-files", f->keep, "Keep the test files");
  run->add_flag("-C,--reorder-tasks", f->reorder, "Read back another FTA's data");
  run->add_option("-Q,--task-offset", f->task_offset, "Rank offset for -C (0: default 1)");
  run->add_flag("-E,--use-existing", f->existing, "Use existing test files");
  run->add_option("--file-name", f->file_name, "Test file base name (IOR's -o)");
  run->add_option("--engine", f->engine, "builtin | ior (default: daemon's choice)");
  run->add_option("--ranks-per-fta", f->ranks_per_fta, "Processes per FTA (0: default 1)");
  run->add_option("--ready-timeout", f->ready_timeout,
                  "Seconds for all agents to report ready (0: daemon default)");
  run->add_option("--deadline", f->job_deadline, "Seconds for the whole job (0: daemon default)");
  auto apply_engine_options = fta::cli::AddEngineOptionFlags(run);  // -Y -z -D -T -g -u ...

  run->callback([&action, request, on, f, apply_engine_options] {
    absl::StatusOr<std::vector<std::string>> targets = fta::cli::ParseTargets(*on);
    if (!targets.ok()) throw CLI::ValidationError(std::string(targets.status().message()));
    absl::StatusOr<fta::v1::Engine> engine = fta::cli::EngineFromName(f->engine, "--engine");
    if (!engine.ok()) throw CLI::ValidationError(std::string(engine.status().message()));
    for (const std::string& target : *targets) request->add_on(target);
    fta::v1::IorSpec& spec = *request->mutable_spec();
    spec.set_transfer_size(f->transfer);
    spec.set_block_size(f->block);
    spec.set_segments(f->segments);
    spec.set_iterations(f->iterations);
    spec.set_write(f->write);
    spec.set_read(f->read);
    spec.set_fsync(f->fsync);
    spec.set_directory(f->directory);
    spec.set_file_name(f->file_name);
    spec.set_keep_files(f->keep);
    spec.set_reorder_tasks(f->reorder);
    spec.set_task_offset(f->task_offset);
    spec.set_use_existing(f->existing);
    spec.set_engine(*engine);
    apply_engine_options(&spec);
    spec.set_ranks_per_fta(f->ranks_per_fta);
    request->set_ready_timeout_s(f->ready_timeout);
    request->set_job_deadline_s(f->job_deadline);
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

  using Verb = int (Client::*)(const std::string&);
  auto add_id_verb = [&](const char* name, const char* help, Verb verb) {
    CLI::App* sub = job->add_subcommand(name, help);
    auto id = std::make_shared<std::string>();
    sub->add_option("ID", *id, "Job id")->required();
    sub->callback([&action, id, verb] {
      action = [id, verb](Client& c) { return (c.*verb)(*id); };
    });
  };
  add_id_verb("show", "Show a job's results, agents and ranks", &Client::JobShow);
  add_id_verb("watch", "Follow a job until it ends", &Client::JobWatch);
  add_id_verb("cancel", "Cancel a job", &Client::JobCancel);
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
