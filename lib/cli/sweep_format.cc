#include "lib/cli/sweep_format.h"

#include <algorithm>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "lib/cli/args.h"
#include "lib/cli/table.h"
#include "lib/core/units.h"
#include "lib/report/compare.h"

namespace fta::cli {
namespace {

std::string MibOrDash(double value) { return value > 0 ? FormatRate(value) : "-"; }
std::string PctOrDash(double value) { return value > 0 ? absl::StrFormat("%.0f%%", value) : "-"; }
std::string CountOrDash(int value) { return value > 0 ? absl::StrCat(value) : "-"; }
std::string Size(int64_t bytes) { return FormatSize(static_cast<uint64_t>(bytes)); }

std::string CsvField(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

std::string SpecLine(const v1::SweepSpec& spec) {
  std::string line = absl::StrCat("--vms ", absl::StrJoin(spec.fta_counts(), ","), " -t ",
                                  absl::StrJoin(spec.transfer_sizes(), ","), " -b ", spec.block_size(), " -d ",
                                  spec.directory());
  if (spec.native()) absl::StrAppend(&line, " --native");
  if (spec.repetitions() > 1) absl::StrAppend(&line, " --reps ", spec.repetitions());
  if (spec.fsync()) absl::StrAppend(&line, " -e");
  if (spec.backend() != v1::BACKEND_UNSPECIFIED) absl::StrAppend(&line, " --backend ", BackendName(spec.backend()));
  return line;
}

}  // namespace

std::string RenderSweepList(const google::protobuf::RepeatedPtrField<v1::Sweep>& sweeps,
                            const FormatOptions& options) {
  Table table({"ID", "STATE", "RUNS", "VMS", "-t", "-b", "NATIVE", "CREATED", "BEST WRITE", "BEST READ"});
  table.AlignRight(2);
  for (const v1::Sweep& sweep : sweeps) {
    double best_write = 0, best_read = 0;
    for (const auto& transfer : sweep.summary().transfers()) {
      for (const auto& row : transfer.rows()) {
        best_write = std::max(best_write, row.write_mib());
        best_read = std::max(best_read, row.read_mib());
      }
    }
    table.AddRow({sweep.id(), SweepStateName(sweep.state()), absl::StrCat(sweep.steps_done(), "/", sweep.steps_total()),
                  absl::StrJoin(sweep.spec().fta_counts(), ","), absl::StrJoin(sweep.spec().transfer_sizes(), ","),
                  sweep.spec().block_size(), sweep.spec().native() ? "yes" : "no",
                  FormatUnixMs(sweep.created_unix_ms(), options.zone), MibOrDash(best_write), MibOrDash(best_read)});
  }
  return table.Render();
}

std::string RenderSweepDetail(const v1::Sweep& sweep, const FormatOptions& options) {
  FieldList fields;
  fields.Add("ID", sweep.id());
  fields.Add("State", SweepStateName(sweep.state()));
  fields.Add("Sweep", SpecLine(sweep.spec()));
  fields.Add("Runs done", absl::StrCat(sweep.steps_done(), " of ", sweep.steps_total()));
  fields.Add("Created", FormatUnixMs(sweep.created_unix_ms(), options.zone));
  fields.Add("Finished", FormatUnixMs(sweep.finished_unix_ms(), options.zone));
  if (!sweep.error().empty()) fields.Add("Error", sweep.error());
  std::string out = fields.Render();
  for (const auto& transfer : sweep.summary().transfers()) {
    absl::StrAppend(&out, "\nSUMMARY -t ", Size(transfer.transfer_size_bytes()), " -b ",
                    Size(transfer.block_size_bytes()), "  (native 1 rank: write ", MibOrDash(transfer.native_write_mib()),
                    ", read ", MibOrDash(transfer.native_read_mib()), " MiB/s)\n");
    Table table({"N", "WRITE MiB/s", "%NATIVE", "NATIVE-N", "%NATIVE-N", "READ MiB/s", "%NATIVE", "NATIVE-N",
                 "%NATIVE-N"});
    for (size_t column = 0; column < 9; ++column) table.AlignRight(column);
    for (const auto& row : transfer.rows()) {
      table.AddRow({absl::StrCat(row.fta_count()), MibOrDash(row.write_mib()), PctOrDash(row.write_pct_native()),
                    MibOrDash(row.native_matched_write_mib()), PctOrDash(row.write_pct_matched()),
                    MibOrDash(row.read_mib()), PctOrDash(row.read_pct_native()),
                    MibOrDash(row.native_matched_read_mib()), PctOrDash(row.read_pct_matched())});
    }
    absl::StrAppend(&out, table.Render(), "saturation (next FTA adds < 5%): write N=",
                    CountOrDash(transfer.write_saturation_n()), ", read N=", CountOrDash(transfer.read_saturation_n()),
                    "; best: write N=", CountOrDash(transfer.best_write_n()), ", read N=",
                    CountOrDash(transfer.best_read_n()), "\n");
  }
  if (sweep.runs_size() > 0) {
    Table runs({"STEP", "-t", "-b", "TARGET", "N", "RANKS", "REP", "JOB", "STATE", "WRITE MiB/s", "READ MiB/s", "NOTE"});
    for (size_t column : {0, 4, 5, 6, 9, 10}) runs.AlignRight(column);
    for (const auto& run : sweep.runs()) {
      runs.AddRow({absl::StrCat(run.step()), Size(run.transfer_size_bytes()), Size(run.block_size_bytes()),
                   SweepTargetName(run.target()), absl::StrCat(run.fta_count()), absl::StrCat(run.ranks()),
                   absl::StrCat(run.repetition() + 1), run.job_id().empty() ? "-" : run.job_id(), SweepRunStateName(run.state()),
                   MibOrDash(run.write_mib()), MibOrDash(run.read_mib()),
                   run.error().empty() ? (run.note().empty() ? "-" : run.note()) : run.error()});
    }
    absl::StrAppend(&out, "\nRUNS\n", runs.Render());
  }
  return out;
}

std::string SweepToCsv(const v1::Sweep& sweep) {
  std::map<int, const v1::SweepRun*> runs;
  for (const auto& run : sweep.runs()) runs[run.step()] = &run;
  std::string csv =
      "sweep_id,step,transfer_size,transfer_size_bytes,block_size_bytes,target,fta_count,ranks,repetition,phase,"
      "bandwidth_mib,bytes,seconds,job_id,backend,cpu_model,cpu_count,memory_bytes,kernel,engine,engine_version,"
      "ib_link_rate,vfs,config_hash,pf,link_utilisation_pct\n";
  for (const auto& point : sweep.points()) {
    static const v1::SweepRun kNoRun;
    auto found = runs.find(point.step());
    const v1::SweepRun& run = found == runs.end() ? kNoRun : *found->second;
    const v1::RunSnapshot& s = run.snapshot();
    std::vector<std::string> fields = {sweep.id(),
                                       absl::StrCat(point.step()),
                                       Size(point.transfer_size_bytes()),
                                       absl::StrCat(point.transfer_size_bytes()),
                                       absl::StrCat(run.block_size_bytes()),
                                       SweepTargetName(point.target()),
                                       absl::StrCat(point.fta_count()),
                                       absl::StrCat(run.ranks()),
                                       absl::StrCat(point.repetition()),
                                       PhaseName(point.phase()),
                                       absl::StrFormat("%.3f", point.bandwidth_mib()),
                                       absl::StrCat(point.bytes()),
                                       absl::StrFormat("%.6f", point.seconds()),
                                       point.job_id(),
                                       BackendName(s.backend()),
                                       s.cpu_model(),
                                       absl::StrCat(s.cpu_count()),
                                       absl::StrCat(s.memory_bytes()),
                                       s.kernel(),
                                       EngineName(s.engine()),
                                       s.engine_version(),
                                       s.ib_link_rate(),
                                       absl::StrJoin(s.vfs(), " "),
                                       s.config_hash(),
                                       s.pf(),
                                       // Empty when nothing was metered.
                                       point.link_utilisation_pct() < 0
                                           ? ""
                                           : absl::StrFormat("%.1f", point.link_utilisation_pct())};
    for (std::string& field : fields) field = CsvField(field);
    absl::StrAppend(&csv, absl::StrJoin(fields, ","), "\n");
  }
  return csv;
}

std::string RenderSweepComparison(const v1::Sweep& a, const v1::Sweep& b) {
  std::vector<report::ComparisonRow> rows = report::CompareSummaries(a.summary(), b.summary());
  std::string out = absl::StrCat("A = ", a.id(), " (", SpecLine(a.spec()), ")\nB = ", b.id(), " (",
                                 SpecLine(b.spec()), ")\n");
  Table table({"-t", "N", "WRITE A", "WRITE B", "CHANGE", "READ A", "READ B", "CHANGE"});
  for (size_t column = 1; column < 8; ++column) table.AlignRight(column);
  auto change = [](const report::ComparisonRow& row, double pct) {
    return row.in_a && row.in_b ? absl::StrFormat("%+.1f%%", pct) : std::string("-");
  };
  for (const auto& row : rows) {
    table.AddRow({Size(row.transfer_size_bytes), row.fta_count == 0 ? "native" : absl::StrCat(row.fta_count),
                  row.in_a ? MibOrDash(row.write_a) : "-", row.in_b ? MibOrDash(row.write_b) : "-",
                  change(row, row.write_change_pct), row.in_a ? MibOrDash(row.read_a) : "-",
                  row.in_b ? MibOrDash(row.read_b) : "-", change(row, row.read_change_pct)});
  }
  return out + table.Render();
}

std::string RenderSweepProgressLine(const v1::SweepProgress& progress) {
  std::string line = absl::StrCat(progress.steps_done(), "/", progress.steps_total(), " runs  -t ",
                                  Size(progress.transfer_size_bytes()), "  ", SweepTargetName(progress.target()),
                                  " N=", progress.fta_count(), "  ");
  if (progress.phase() == v1::PHASE_WRITE || progress.phase() == v1::PHASE_READ) {
    absl::StrAppend(&line, PhaseName(progress.phase()), "  ", FormatRate(progress.current_mib()), " MiB/s");
  } else {
    absl::StrAppend(&line, progress.activity());
  }
  if (!progress.job_id().empty()) absl::StrAppend(&line, "  (", progress.job_id(), ")");
  return line;
}

int ExitCodeForSweep(const v1::Sweep& sweep) {
  return ExitCodeForState(sweep.state(), v1::SWEEP_STATE_COMPLETED,
                          {v1::SWEEP_STATE_FAILED, v1::SWEEP_STATE_CANCELLED, v1::SWEEP_STATE_INTERRUPTED});
}

void SweepEventView::Consume(const v1::SweepEvent& event) {
  switch (event.body_case()) {
    case v1::SweepEvent::kStarted:
      id_ = event.started().id();
      steps_total_ = event.started().steps_total();
      if (!live()) return;
      ClearProgress();
      out_ << "sweep " << id_ << ": " << steps_total_ << " runs (" << event.started().steps_done()
           << " done); Ctrl-C detaches, 'ftactl sweep watch " << id_ << "' reattaches\n";
      break;
    case v1::SweepEvent::kProgress:
      if (live()) DrawProgress(RenderSweepProgressLine(event.progress()));
      break;
    case v1::SweepEvent::kRunFinished: {
      if (!live()) return;
      const v1::SweepRun& run = event.run_finished();
      ClearProgress();
      out_ << "run " << run.step() + 1 << "/" << steps_total_ << "  -t " << Size(run.transfer_size_bytes()) << "  "
           << SweepTargetName(run.target()) << " N=" << run.fta_count() << "  write " << MibOrDash(run.write_mib())
           << "  read " << MibOrDash(run.read_mib()) << " MiB/s  " << run.job_id() << "  "
           << SweepRunStateName(run.state()) << '\n';
      break;
    }
    case v1::SweepEvent::kFinished:
      Finish(event.finished());
      break;
    default:
      break;
  }
  out_.flush();
}

}  // namespace fta::cli
