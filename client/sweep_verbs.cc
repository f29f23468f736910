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
#include "client/verbs.h"
#include "lib/cli/enum_words.h"
#include "lib/cli/sweep_args.h"
#include "lib/core/status_macros.h"
#include "absl/strings/str_cat.h"

namespace fta::client {
namespace {

// list, show, export and compare of stored sweeps, under `noun` (`sweep`,
// and `results` where scripts know them from).
void AddResultVerbs(CLI::App* results, Action& action) {
  CLI::App* list = results->add_subcommand("list", "List sweeps, newest first");
  auto limit = std::make_shared<int32_t>(0);
  list->add_option("--limit", *limit, "At most N sweeps, newest first (0: all)");
  list->callback([&action, limit] {
    action = [limit](Client& c) { return SweepClient(c.connection()).List(*limit); };
  });

  AddIdVerb(results, "show", "A sweep's summary and runs", "Sweep id", action,
            [](Client& c, const std::string& id) { return SweepClient(c.connection()).Show(id); });

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
  // The spec's own fields are set as the flags are parsed; the lists and
  // kind words are parsed once parsing is done.
  auto spec = std::make_shared<v1::SweepSpec>();
  struct Words {
    std::string vms, transfers, backend, kind;
  };
  auto words = std::make_shared<Words>();
  sweep->add_option("--ftas,--vms", words->vms, "FTA counts: 1..11 or 1,2,4,8");
  sweep->add_option("-t,--transfer-sizes", words->transfers, "Transfer sizes: 10k,100k,1m");
  AddFieldOption(sweep, "-b,--block-size", spec.get(), "block_size",
                 "Block size per rank, e.g. 48g (rounded down to a multiple of each -t)");
  AddFieldOption(sweep, "-d,--directory", spec.get(), "directory", "Directory for the test files");
  AddFieldOption(sweep, "--native", spec.get(), "native", "Also run on the host's own agent (1 rank and N ranks)");
  AddFieldOption(sweep, "--reps", spec.get(), "repetitions", "Repetitions of every run (averaged; 0: 1)");
  sweep->add_option("--kind", words->kind,
                    "FTA kind to sweep: process | vm | container (default: the daemon's; refused if it has none)");
  sweep->add_option("--backend", words->backend, "Backend to sweep (process | libvirt | lxc): the same as --kind");
  AddFieldOption(sweep, "-e,--fsync", spec.get(), "fsync", "fsync after each write phase");
  AddFieldOption(sweep, "--ready-timeout", spec.get(), "ready_timeout_s",
                 "Seconds for the agents of a run to be ready (0: default)");

  auto follow = [](int (SweepClient::*verb)(const std::string&)) {
    return [verb](Client& c, const std::string& id) {
      SweepClient sweeps(c.connection());
      return (sweeps.*verb)(id);
    };
  };
  AddIdVerb(sweep, "watch", "Follow a running sweep", "Sweep id", action, follow(&SweepClient::Watch));
  AddIdVerb(sweep, "resume", "Continue an interrupted, failed or cancelled sweep", "Sweep id", action,
            follow(&SweepClient::Resume));
  AddIdVerb(sweep, "cancel", "Cancel a running sweep (finished runs are kept)", "Sweep id", action,
            follow(&SweepClient::Cancel));

  sweep->callback([&action, sweep, spec, words] {
    if (!sweep->get_subcommands().empty()) return;
    if (words->vms.empty() || words->transfers.empty() || spec->block_size().empty() || spec->directory().empty()) {
      throw CLI::ValidationError("sweep: --vms, -t, -b and -d are required");
    }
    absl::StatusOr<std::vector<int32_t>> counts = cli::ParseCountList("--vms", words->vms);
    if (!counts.ok()) throw CLI::ValidationError(std::string(counts.status().message()));
    absl::StatusOr<std::vector<std::string>> sizes = cli::ParseSizeList("-t", words->transfers);
    if (!sizes.ok()) throw CLI::ValidationError(std::string(sizes.status().message()));
    absl::StatusOr<v1::Backend> backend = SweptBackend(words->kind, words->backend);
    if (!backend.ok()) throw CLI::ValidationError(std::string(backend.status().message()));
    for (int32_t count : *counts) spec->add_fta_counts(count);
    for (const std::string& size : *sizes) spec->add_transfer_sizes(size);
    spec->set_backend(*backend);
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
