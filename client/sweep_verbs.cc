// ftactl sweep --vms 1..11 -t 10k,100k,1m -b 48g -d DIR [--native] [--reps N] [--kind K]
// ftactl sweep watch|resume|cancel ID
// ftactl sweep list [--limit N]|show ID|export ID --format csv|json [--file F]|compare A B
// ftactl results list|show|export|compare ...   (the same verbs under their old noun, for scripts)
// ftactl report ID --out DIR
#include "client/sweep_verbs.h"

#include <memory>
#include <string>
#include <vector>

#include "client/results_command.h"
#include "client/sweep_client.h"
#include "lib/cli/enum_words.h"
#include "lib/cli/sweep_args.h"
#include "lib/core/status_macros.h"
#include "absl/strings/str_cat.h"

namespace fta::client {
namespace {

using Action = std::function<int(Client&)>;

// list, show, export and compare of stored sweeps, under `noun` (`sweep`,
// and `results` where scripts know them from).
void AddResultVerbs(CLI::App* results, Action& action) {
  CLI::App* list = results->add_subcommand("list", "List sweeps, newest first");
  auto limit = std::make_shared<int32_t>(0);
  list->add_option("--limit", *limit, "At most N sweeps, newest first (0: all)");
  list->callback([&action, limit] {
    action = [limit](Client& c) { return SweepClient(c.connection()).List(*limit); };
  });

  CLI::App* show = results->add_subcommand("show", "A sweep's summary and runs");
  auto show_id = std::make_shared<std::string>();
  show->add_option("ID", *show_id, "Sweep id")->required();
  show->callback([&action, show_id] {
    action = [show_id](Client& c) { return SweepClient(c.connection()).Show(*show_id); };
  });

  CLI::App* export_verb = results->add_subcommand("export", "A sweep's points (CSV) or everything (JSON)");
  auto export_id = std::make_shared<std::string>();
  auto format = std::make_shared<std::string>("csv");
  auto file = std::make_shared<std::string>();
  export_verb->add_option("ID", *export_id, "Sweep id")->required();
  export_verb->add_option("--format", *format, "csv or json")
      ->check(CLI::IsMember({"csv", "json"}))
      ->capture_default_str();
  export_verb->add_option("--file", *file, "Write here instead of stdout");
  export_verb->callback([&action, export_id, format, file] {
    action = [export_id, format, file](Client& c) {
      return SweepClient(c.connection()).Export(*export_id, *format, *file);
    };
  });

  CLI::App* compare = results->add_subcommand("compare", "Two sweeps side by side with % change per point");
  auto ids = std::make_shared<std::vector<std::string>>();
  compare->add_option("IDS", *ids, "Two sweep ids: A B")->required()->expected(2);
  compare->callback([&action, ids] {
    action = [ids](Client& c) { return SweepClient(c.connection()).Compare((*ids)[0], (*ids)[1]); };
  });
}

namespace {

// --kind as the backend that starts that kind (the spec names backends):
// process -> process, vm -> libvirt, container -> lxc; --backend, the older
// spelling, must agree when both are given.
absl::StatusOr<v1::Backend> SweptBackend(const std::string& kind_word, const std::string& backend_word) {
  FTA_ASSIGN_OR_RETURN(v1::Backend backend, cli::BackendFromName(backend_word, "--backend"));
  FTA_ASSIGN_OR_RETURN(v1::FtaKind kind, cli::FtaKindFromName(kind_word, "--kind"));
  v1::Backend of_kind = v1::BACKEND_UNSPECIFIED;
  if (kind == v1::FTA_KIND_PROCESS) of_kind = v1::BACKEND_PROCESS;
  if (kind == v1::FTA_KIND_VM) of_kind = v1::BACKEND_LIBVIRT;
  if (kind == v1::FTA_KIND_CONTAINER) of_kind = v1::BACKEND_LXC;
  if (of_kind != v1::BACKEND_UNSPECIFIED && backend != v1::BACKEND_UNSPECIFIED && of_kind != backend) {
    return absl::InvalidArgumentError(absl::StrCat("--kind ", kind_word, " and --backend ", backend_word, " disagree"));
  }
  return of_kind != v1::BACKEND_UNSPECIFIED ? of_kind : backend;
}

}  // namespace

void AddSweep(CLI::App& app, Action& action) {
  CLI::App* sweep = app.add_subcommand(
      "sweep", "Run IOR over 1..N FTAs and transfer sizes (the poster's figures); Ctrl-C detaches");
  sweep->require_subcommand(0, 1);
  struct Flags {
    std::string vms, transfers, block, directory, backend, kind;
    bool native = false, fsync = false;
    int32_t reps = 0, ready_timeout = 0;
  };
  auto f = std::make_shared<Flags>();
  sweep->add_option("--ftas,--vms", f->vms, "FTA counts: 1..11 or 1,2,4,8");
  sweep->add_option("-t,--transfer-sizes", f->transfers, "Transfer sizes: 10k,100k,1m");
  sweep->add_option("-b,--block-size", f->block,
                    "Block size per rank, e.g. 48g (rounded down to a multiple of each -t)");
  sweep->add_option("-d,--directory", f->directory, "Directory for the test files");
  sweep->add_flag("--native", f->native, "Also run on the host's own agent (1 rank and N ranks)");
  sweep->add_option("--reps", f->reps, "Repetitions of every run (averaged; 0: 1)");
  sweep->add_option("--kind", f->kind,
                    "FTA kind to sweep: process | vm | container (default: the daemon's; refused if it has none)");
  sweep->add_option("--backend", f->backend, "Backend to sweep (process | libvirt | lxc): the same as --kind");
  sweep->add_flag("-e,--fsync", f->fsync, "fsync after each write phase");
  sweep->add_option("--ready-timeout", f->ready_timeout, "Seconds for the agents of a run to be ready (0: default)");

  auto id = std::make_shared<std::string>();
  using Verb = int (SweepClient::*)(const std::string&);
  auto add_id_verb = [&](const char* name, const char* help, Verb verb) {
    CLI::App* sub = sweep->add_subcommand(name, help);
    sub->add_option("ID", *id, "Sweep id")->required();
    sub->callback([&action, id, verb] {
      action = [id, verb](Client& c) {
        SweepClient sweeps(c.connection());
        return (sweeps.*verb)(*id);
      };
    });
  };
  add_id_verb("watch", "Follow a running sweep", &SweepClient::Watch);
  add_id_verb("resume", "Continue an interrupted, failed or cancelled sweep", &SweepClient::Resume);
  add_id_verb("cancel", "Cancel a running sweep (finished runs are kept)", &SweepClient::Cancel);

  sweep->callback([&action, sweep, f] {
    if (!sweep->get_subcommands().empty()) return;
    if (f->vms.empty() || f->transfers.empty() || f->block.empty() || f->directory.empty()) {
      throw CLI::ValidationError("sweep: --vms, -t, -b and -d are required");
    }
    absl::StatusOr<std::vector<int32_t>> counts = cli::ParseCountList("--vms", f->vms);
    if (!counts.ok()) throw CLI::ValidationError(std::string(counts.status().message()));
    absl::StatusOr<std::vector<std::string>> sizes = cli::ParseSizeList("-t", f->transfers);
    if (!sizes.ok()) throw CLI::ValidationError(std::string(sizes.status().message()));
    auto spec = std::make_shared<v1::SweepSpec>();
    for (int32_t count : *counts) spec->add_fta_counts(count);
    for (const std::string& size : *sizes) spec->add_transfer_sizes(size);
    spec->set_block_size(f->block);
    spec->set_directory(f->directory);
    spec->set_native(f->native);
    spec->set_repetitions(f->reps);
    absl::StatusOr<v1::Backend> backend = SweptBackend(f->kind, f->backend);
    if (!backend.ok()) throw CLI::ValidationError(std::string(backend.status().message()));
    spec->set_backend(*backend);
    spec->set_fsync(f->fsync);
    spec->set_ready_timeout_s(f->ready_timeout);
    action = [spec](Client& c) { return SweepClient(c.connection()).Start(*spec); };
  });
  AddResultVerbs(sweep, action);
}

void AddReport(CLI::App& app, Action& action) {
  CLI::App* report = app.add_subcommand(
      "report", "Plots (SVG) and an HTML page of a sweep; several sweeps (e.g. container and vm): a line per kind");
  auto id = std::make_shared<std::vector<std::string>>();
  auto out = std::make_shared<std::string>();
  report->add_option("ID", *id, "Sweep id(s)")->required()->expected(1, -1);
  report->add_option("--out", *out, "Directory for write.svg, read.svg and report.html")->required();
  report->callback([&action, id, out] {
    action = [id, out](Client& c) { return SweepClient(c.connection()).Report(*id, *out); };
  });
}

}  // namespace

void AddSweepVerbs(CLI::App& app, Action& action) {
  AddSweep(app, action);
  AddResultVerbs(ResultsCommand(app), action);  // `results` shares its noun with `results import`
  AddReport(app, action);
}

}  // namespace fta::client
