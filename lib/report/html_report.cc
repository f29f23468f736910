#include "lib/report/html_report.h"

#include <algorithm>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "lib/core/markup.h"
#include "lib/core/units.h"
#include "lib/report/summary.h"
#include "lib/report/svg_plot.h"

namespace fta::report {
namespace {

// An enum value as ftactl prints it ("BACKEND_LIBVIRT" -> "libvirt"; lib/cli
// sits above this library, so its word helpers are out of reach); "" for
// UNSPECIFIED, which the table shows as "-".
std::string LowerTail(const std::string& name, absl::string_view prefix) {
  if (!absl::StartsWith(name, prefix) || absl::EndsWith(name, "_UNSPECIFIED")) return "";
  std::string tail = absl::AsciiStrToLower(name.substr(prefix.size()));
  std::replace(tail.begin(), tail.end(), '_', '-');
  return tail;
}

std::string Mib(double value) { return value > 0 ? absl::StrFormat("%.1f", value) : "-"; }
std::string Pct(double value) { return value > 0 ? absl::StrFormat("%.0f%%", value) : "-"; }
std::string CountOrDash(int value) { return value > 0 ? absl::StrCat(value) : "-"; }

std::string Row(const std::vector<std::string>& cells, const char* tag = "td") {
  std::string html = "<tr>";
  for (const std::string& cell : cells) absl::StrAppend(&html, "<", tag, ">", EscapeMarkup(cell), "</", tag, ">");
  return html + "</tr>\n";
}

std::string StateName(fta::v1::SweepState state) {
  std::string name = fta::v1::SweepState_Name(state);
  return name.substr(std::string("SWEEP_STATE_").size());
}

}  // namespace

std::string RenderHtmlReport(const fta::v1::Sweep& sweep, const std::string& write_svg,
                             const std::string& read_svg) {
  const fta::v1::SweepSpec& spec = sweep.spec();
  std::vector<std::string> counts;
  for (int count : spec.fta_counts()) counts.push_back(absl::StrCat(count));
  std::string html = absl::StrCat(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Sweep ",
      EscapeMarkup(sweep.id()), "</title>\n<style>\n"
      "body{font-family:sans-serif;margin:24px;color:#222;max-width:1150px}\n"
      "table{border-collapse:collapse;margin:8px 0 20px}\n"
      "th,td{border:1px solid #ccc;padding:3px 8px;text-align:right;font-size:13px}\n"
      "th{background:#f0f0f0}\n.plots{display:flex;flex-wrap:wrap;gap:12px}\n"
      ".plots svg{max-width:100%;height:auto;border:1px solid #eee}\n"
      "</style>\n</head>\n<body>\n<h1>Sweep ", EscapeMarkup(sweep.id()), "</h1>\n<p>State: <b>",
      EscapeMarkup(StateName(sweep.state())), "</b>, ", sweep.steps_done(), " of ", sweep.steps_total(),
      " runs done. FTA counts ", EscapeMarkup(absl::StrJoin(counts, ",")), ", transfer sizes ",
      EscapeMarkup(absl::StrJoin(spec.transfer_sizes(), ",")), ", block ", EscapeMarkup(spec.block_size()),
      ", directory ", EscapeMarkup(spec.directory()), spec.native() ? ", with native baseline" : "",
      spec.repetitions() > 1 ? absl::StrCat(", ", spec.repetitions(), " repetitions") : "", ".</p>\n");
  if (!sweep.error().empty()) absl::StrAppend(&html, "<p>Error: ", EscapeMarkup(sweep.error()), "</p>\n");
  absl::StrAppend(&html, "<h2>Plots</h2>\n<p>Dashed lines: native (host agent, 1 rank); dotted: host agent with N "
                  "ranks.</p>\n<div class=\"plots\">\n<figure>", write_svg,
                  "<figcaption>Fig. 1: IOR write results for varied transfer sizes</figcaption></figure>\n<figure>",
                  read_svg, "<figcaption>Fig. 2: IOR read results for varied transfer sizes</figcaption></figure>\n"
                  "</div>\n<h2>Summary</h2>\n");
  for (const auto& transfer : sweep.summary().transfers()) {
    absl::StrAppend(&html, "<h3>-t ", EscapeMarkup(FormatSize(transfer.transfer_size_bytes())), " (block ",
                    EscapeMarkup(FormatSize(transfer.block_size_bytes())), ")</h3>\n<p>Native 1 rank: write ",
                    Mib(transfer.native_write_mib()), " MiB/s, read ", Mib(transfer.native_read_mib()),
                    " MiB/s. Saturation (next FTA adds &lt; 5%): write N=",
                    CountOrDash(transfer.write_saturation_n()), ", read N=", CountOrDash(transfer.read_saturation_n()),
                    ". Best: write N=", CountOrDash(transfer.best_write_n()), ", read N=",
                    CountOrDash(transfer.best_read_n()), ".</p>\n<table>\n");
    absl::StrAppend(&html, Row({"N", "write MiB/s", "% native", "native N ranks", "% of N ranks", "read MiB/s",
                                "% native", "native N ranks", "% of N ranks"},
                               "th"));
    for (const auto& row : transfer.rows()) {
      absl::StrAppend(&html, Row({absl::StrCat(row.fta_count()), Mib(row.write_mib()), Pct(row.write_pct_native()),
                                  Mib(row.native_matched_write_mib()), Pct(row.write_pct_matched()),
                                  Mib(row.read_mib()), Pct(row.read_pct_native()), Mib(row.native_matched_read_mib()),
                                  Pct(row.read_pct_matched())}));
    }
    absl::StrAppend(&html, "</table>\n");
  }
  absl::StrAppend(&html, "<h2>Runs</h2>\n<table>\n",
                  Row({"step", "-t", "-b", "target", "N", "ranks", "rep", "job", "state", "write MiB/s",
                       "read MiB/s", "note"},
                      "th"));
  for (const auto& run : sweep.runs()) {
    absl::StrAppend(&html, Row({absl::StrCat(run.step()), FormatSize(run.transfer_size_bytes()),
                                FormatSize(run.block_size_bytes()), TargetName(run.target()),
                                absl::StrCat(run.fta_count()), absl::StrCat(run.ranks()),
                                absl::StrCat(run.repetition() + 1), run.job_id(), LowerTail(fta::v1::SweepRunState_Name(run.state()), "SWEEP_RUN_STATE_"), Mib(run.write_mib()),
                                Mib(run.read_mib()), run.error().empty() ? run.note() : run.error()}));
  }
  absl::StrAppend(&html, "</table>\n");
  if (sweep.runs_size() > 0) {
    const fta::v1::RunSnapshot& snapshot = sweep.runs(0).snapshot();
    absl::StrAppend(&html, "<h2>What shaped the runs</h2>\n<p>As recorded with the first run; every run carries its "
                    "own snapshot (ftactl sweep show / export).</p>\n<table>\n");
    auto field = [&](const char* name, const std::string& value) {
      absl::StrAppend(&html, "<tr><th>", name, "</th><td style=\"text-align:left\">",
                      EscapeMarkup(value.empty() ? "-" : value), "</td></tr>\n");
    };
    field("host", snapshot.hostname());
    field("backend", LowerTail(fta::v1::Backend_Name(snapshot.backend()), "BACKEND_"));
    field("guest template", snapshot.guest_template());
    field("CPU", absl::StrCat(snapshot.cpu_model(), " x ", snapshot.cpu_count()));
    field("memory", HumanBytes(static_cast<uint64_t>(snapshot.memory_bytes())));
    field("VFs", absl::StrJoin(snapshot.vfs(), ", "));
    field("PF", snapshot.pf());
    field("IB link rate", snapshot.ib_link_rate());
    field("engine", absl::StrCat(LowerTail(fta::v1::Engine_Name(snapshot.engine()), "ENGINE_"), " ", snapshot.engine_version()));
    field("kernel", snapshot.kernel());
    field("config hash", snapshot.config_hash());
    absl::StrAppend(&html, "</table>\n");
  }
  absl::StrAppend(&html, "</body>\n</html>\n");
  return html;
}

}  // namespace fta::report
