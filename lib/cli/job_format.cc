#include "lib/cli/job_format.h"

#include <algorithm>
#include <limits>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "lib/cli/table.h"
#include "lib/core/units.h"

namespace fta::cli {
namespace {

std::string RenderHeader(const v1::Job& job, const FormatOptions& options) {
  const v1::IorSpec& spec = job.spec();
  FieldList fields;
  fields.Add("Job", job.id());
  fields.Add("State", JobStateName(job.state()));
  std::string engine = job.engine() != v1::ENGINE_UNSPECIFIED    ? EngineName(job.engine())
                       : spec.engine() != v1::ENGINE_UNSPECIFIED ? EngineName(spec.engine())
                                                                 : "auto";
  if (!job.ior_version().empty()) absl::StrAppend(&engine, " (IOR ", job.ior_version(), ")");
  fields.Add("Engine", engine);
  if (!job.timestamp_source().empty()) fields.Add("Timestamps", job.timestamp_source());
  if (!job.source().empty()) {
    fields.Add(job.engine() == v1::ENGINE_MERGED ? "Merged from" : "Imported from", job.source());
  }
  if (!job.owner().empty()) fields.Add("Owner", job.owner());
  if (job.start_at_unix_ms() != 0) fields.Add("Start at", FormatUnixMs(job.start_at_unix_ms(), options.zone));
  if (!job.ior_command_line().empty()) fields.Add("IOR command", job.ior_command_line());
  fields.Add("IOR", IorArguments(job));
  fields.Add("Directory", spec.directory().empty() ? "-" : spec.directory());
  int total_ranks = 0;
  for (const v1::JobAgent& agent : job.agents()) total_ranks += agent.ranks_size();
  fields.Add("FTAs", absl::StrCat(job.agents_size(), " (", total_ranks, " ranks)"));
  fields.Add("Created", FormatUnixMs(job.created_unix_ms(), options.zone));
  fields.Add("Finished", FormatUnixMs(job.finished_unix_ms(), options.zone));
  if (!job.error().empty()) fields.Add("Error", job.error());
  return fields.Render();
}

std::string RenderAggregates(const v1::Job& job) {
  // The start's lead and the last GO's lateness are live figures (not
  // stored): shown when the job came from the daemon's events.
  const bool start_timed =
      std::any_of(job.aggregates().begin(), job.aggregates().end(),
                  [](const v1::PhaseAggregate& a) { return a.start_lead_seconds() > 0; });
  std::vector<std::string> header = {"ITER",    "PHASE",  "BYTES", "MiB/s", "MB/s",
                                     "TOTAL_S", "SKEW_S", "IOPS",  "RANKS"};
  if (start_timed) header.insert(header.end(), {"LEAD_MS", "GO_LATE_MS"});
  Table table(header);
  for (size_t column = 0; column < header.size(); ++column) {
    if (column != 1) table.AlignRight(column);
  }
  for (const v1::PhaseAggregate& a : job.aggregates()) {
    std::vector<std::string> row = {absl::StrCat(a.iteration()),
                                    PhaseName(a.phase()),
                                    HumanBytes(static_cast<uint64_t>(std::max<int64_t>(0, a.bytes()))),
                                    FormatRate(a.bandwidth_mib()),
                                    FormatRate(a.bandwidth_mb()),
                                    FormatSeconds(a.total_seconds()),
                                    FormatSeconds(a.start_skew_seconds()),
                                    absl::StrFormat("%.0f", a.iops()),
                                    absl::StrCat(a.ranks())};
    if (start_timed) {
      row.push_back(absl::StrFormat("%.3f", a.start_lead_seconds() * 1e3));
      row.push_back(absl::StrFormat("%+.3f", a.go_late_seconds() * 1e3));
    }
    table.AddRow(row);
  }
  return table.Render();
}

bool HasLinks(const v1::Job& job) {
  for (const v1::PhaseAggregate& a : job.aggregates()) {
    if (!a.links().empty()) return true;
  }
  return false;
}

// What crossed the IB ports behind the job's VFs, per phase, next to what
// the agents reported: the CHECK column says when the two disagree.
std::string RenderLinks(const v1::Job& job) {
  Table table({"ITER", "PHASE", "PORT", "PF", "RATE_Gb/s", "UTIL%", "SENT", "RECEIVED", "AGENTS_REPORTED",
               "CHECK"});
  for (size_t column : {0, 4, 5, 6, 7, 8}) table.AlignRight(column);
  for (const v1::PhaseAggregate& a : job.aggregates()) {
    for (const v1::LinkUsage& link : a.links()) {
      auto bytes = [](int64_t value) { return HumanBytes(static_cast<uint64_t>(std::max<int64_t>(0, value))); };
      if (!link.error().empty()) {
        table.AddRow({absl::StrCat(a.iteration()), PhaseName(a.phase()), link.ib_port(), link.pf(),
                      absl::StrFormat("%.0f", link.rate_gbps()), "-", "-", "-", bytes(link.agent_bytes()),
                      absl::StrCat("unreadable: ", link.error())});
        continue;
      }
      table.AddRow({absl::StrCat(a.iteration()), PhaseName(a.phase()), link.ib_port(), link.pf(),
                    absl::StrFormat("%.0f", link.rate_gbps()), absl::StrFormat("%.1f", link.utilisation_pct()),
                    bytes(link.xmit_bytes()), bytes(link.rcv_bytes()), bytes(link.agent_bytes()), link.check()});
    }
  }
  return table.Render();
}

// IOR prints its max/min/mean block only for repeated runs; a single
// iteration's "summary" would just repeat the results row.
bool WantsSummary(const v1::Job& job) {
  if (job.spec().iterations() > 1) return !job.summaries().empty();
  for (const v1::PhaseSummary& s : job.summaries()) {
    if (s.iterations() > 1) return true;
  }
  return false;
}

std::string RenderSummaries(const v1::Job& job) {
  Table table({"PHASE", "ITERS", "MAX_MiB/s", "MIN_MiB/s", "MEAN_MiB/s", "STDDEV_MiB/s",
               "MEAN_S", "BYTES/ITER"});
  for (size_t column : {1, 2, 3, 4, 5, 6, 7}) table.AlignRight(column);
  for (const v1::PhaseSummary& s : job.summaries()) {
    table.AddRow({PhaseName(s.phase()), absl::StrCat(s.iterations()), FormatRate(s.max_mib()),
                  FormatRate(s.min_mib()), FormatRate(s.mean_mib()), FormatRate(s.stddev_mib()),
                  FormatSeconds(s.mean_seconds()),
                  HumanBytes(static_cast<uint64_t>(std::max<int64_t>(0, s.bytes_per_iteration())))});
  }
  return table.Render();
}

std::string RenderAgents(const v1::Job& job) {
  Table table({"FTA", "RANKS", "STATE", "ERROR"});
  for (const v1::JobAgent& agent : job.agents()) {
    std::vector<int32_t> ranks(agent.ranks().begin(), agent.ranks().end());
    table.AddRow({agent.fta_id(), FormatRanks(ranks), agent.state() == v1::JOB_AGENT_STATE_UNSPECIFIED ? "-" : JobAgentStateName(agent.state()),
                  agent.error().empty() ? "-" : agent.error()});
  }
  return table.Render();
}

std::string RenderRanks(const v1::Job& job) {
  // One origin for the whole job, not per phase, so rows of different phases
  // and iterations read as one timeline. Rows IOR reported (its per-rank CSV)
  // carry durations only: no place on the timeline, their TOTAL_S is IOR's.
  auto on_timeline = [](const v1::RankPhaseResult& r) { return r.open_start_ns() > 0; };
  int64_t origin = std::numeric_limits<int64_t>::max();
  for (const v1::RankPhaseResult& r : job.rank_results()) {
    if (on_timeline(r)) origin = std::min(origin, r.open_start_ns());
  }
  auto since_origin = [origin](int64_t ns) {
    if (ns <= 0) return std::string("-");
    return FormatSeconds(static_cast<double>(ns - origin) / 1e9);
  };
  Table table({"ITER", "RANK", "FTA", "PHASE", "BYTES", "OPEN_START_S", "CLOSE_END_S", "TOTAL_S"});
  for (size_t column : {0, 1, 4, 5, 6, 7}) table.AlignRight(column);
  for (const v1::RankPhaseResult& r : job.rank_results()) {
    const bool placed = on_timeline(r);
    const int64_t total_ns = placed ? r.close_end_ns() - r.open_start_ns() : r.close_end_ns();
    table.AddRow({absl::StrCat(r.iteration()), absl::StrCat(r.rank()), r.fta_id(), PhaseName(r.phase()),
                  HumanBytes(static_cast<uint64_t>(std::max<int64_t>(0, r.bytes()))),
                  placed ? since_origin(r.open_start_ns()) : "-", placed ? since_origin(r.close_end_ns()) : "-",
                  total_ns > 0 ? FormatSeconds(static_cast<double>(total_ns) / 1e9) : "-"});
  }
  return table.Render();
}

}  // namespace

std::string IorArguments(const v1::Job& job) {
  const v1::IorSpec& spec = job.spec();
  std::vector<std::string> args;
  args.push_back(absl::StrCat("-t ", FormatSpecSize(job.transfer_size_bytes(), spec.transfer_size())));
  args.push_back(absl::StrCat("-b ", FormatSpecSize(job.block_size_bytes(), spec.block_size())));
  // Zero means "IOR's default" in the spec; IOR's own command line omits it too.
  if (spec.segments() != 0) args.push_back(absl::StrCat("-s ", spec.segments()));
  if (spec.iterations() != 0) args.push_back(absl::StrCat("-i ", spec.iterations()));
  if (spec.write()) args.push_back("-w");
  if (spec.read()) args.push_back("-r");
  if (spec.fsync()) args.push_back("-e");
  if (spec.keep_files()) args.push_back("-k");
  if (spec.reorder_tasks()) args.push_back("-C");
  if (spec.task_offset() != 0) args.push_back(absl::StrCat("-Q ", spec.task_offset()));
  if (spec.use_existing()) args.push_back("-E");
  if (!spec.file_name().empty()) args.push_back(absl::StrCat("-o ", spec.file_name()));
  if (spec.fsync_per_write()) args.push_back("-Y");
  if (spec.random_offset()) args.push_back("-z");
  if (spec.random_seed() != 0) args.push_back(absl::StrCat("--random-seed ", spec.random_seed()));
  if (spec.stonewall_s() != 0) args.push_back(absl::StrCat("-D ", spec.stonewall_s()));
  if (spec.stonewall_wear_out()) args.push_back("--stonewall-wear-out");
  if (spec.inter_test_delay_s() != 0) args.push_back(absl::StrCat("--delay ", spec.inter_test_delay_s()));
  if (spec.max_minutes() != 0) args.push_back(absl::StrCat("-T ", spec.max_minutes()));
  if (spec.intra_test_barriers()) args.push_back("-g");
  if (spec.unique_dir()) args.push_back("-u");
  if (spec.odirect()) args.push_back("--odirect");
  if (spec.ranks_per_fta() != 0) {
    args.push_back(absl::StrCat("(", spec.ranks_per_fta(), " ranks per FTA)"));
  }
  return absl::StrJoin(args, " ");
}

// One line per read phase hostd flagged as likely served from the page cache.
std::string RenderCacheNotes(const v1::Job& job) {
  std::string out;
  for (const v1::PhaseAggregate& a : job.aggregates()) {
    if (a.cache_note().empty()) continue;
    absl::StrAppend(&out, "  iteration ", a.iteration(), " ", PhaseName(a.phase()), ": ", a.cache_note(), "\n");
  }
  return out;
}

std::string RenderJobDetail(const v1::Job& job, const FormatOptions& options) {
  std::string out = RenderHeader(job, options);
  if (!job.aggregates().empty()) absl::StrAppend(&out, "\nRESULTS\n", RenderAggregates(job));
  if (std::string notes = RenderCacheNotes(job); !notes.empty()) absl::StrAppend(&out, "\nPAGE CACHE\n", notes);
  if (WantsSummary(job)) absl::StrAppend(&out, "\nSUMMARY\n", RenderSummaries(job));
  if (HasLinks(job)) absl::StrAppend(&out, "\nIB LINKS\n", RenderLinks(job));
  if (!job.agents().empty()) absl::StrAppend(&out, "\nAGENTS\n", RenderAgents(job));
  if (!job.rank_results().empty()) absl::StrAppend(&out, "\nRANKS\n", RenderRanks(job));
  return out;
}

}  // namespace fta::cli
