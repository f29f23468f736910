#include "lib/store/rows.h"

#include <google/protobuf/util/json_util.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"

namespace fta::store {

using fta::v1::Fta;
using fta::v1::Job;
using fta::v1::JobAgent;
using fta::v1::PhaseAggregate;
using fta::v1::PhaseSummary;
using fta::v1::RankPhaseResult;

// ---- spec as JSON ---------------------------------------------------------

absl::StatusOr<std::string> SpecToJson(const fta::v1::IorSpec& spec, const std::string& job_id) {
  google::protobuf::util::JsonPrintOptions options;
  // Proto field names ("transfer_size") match the .proto and IOR docs, which
  // is what someone reading the table with sqlite3 will look for.
  options.preserve_proto_field_names = true;
  std::string json;
  auto status = google::protobuf::util::MessageToJsonString(spec, &json, options);
  if (!status.ok()) {
    return absl::InternalError(
        absl::StrCat("job ", job_id, ": encoding spec as JSON: ", status.ToString()));
  }
  return json;
}

absl::StatusOr<fta::v1::IorSpec> SpecFromJson(const std::string& json, const std::string& job_id) {
  google::protobuf::util::JsonParseOptions options;
  // A spec field added by a later release without a schema change must not
  // make history unreadable to this one.
  options.ignore_unknown_fields = true;
  fta::v1::IorSpec spec;
  auto status = google::protobuf::util::JsonStringToMessage(json, &spec, options);
  if (!status.ok()) {
    return absl::InternalError(
        absl::StrCat("job ", job_id, ": stored spec is not valid JSON: ", status.ToString()));
  }
  return spec;
}

namespace {

absl::StatusOr<std::vector<int32_t>> ParseRanks(const std::string& text,
                                                const std::string& job_id) {
  std::vector<int32_t> ranks;
  for (absl::string_view part : absl::StrSplit(text, ',', absl::SkipEmpty())) {
    int32_t rank = 0;
    if (!absl::SimpleAtoi(part, &rank)) {
      return absl::InternalError(absl::StrCat("job ", job_id, ": stored agent ranks '", text,
                                              "' are not a list of numbers"));
    }
    ranks.push_back(rank);
  }
  return ranks;
}

}  // namespace

// ---- rows -------------------------------------------------------------------

const char kSelectFta[] =
    "SELECT id, kind, backend, state, pid, hostname, agent_version, ior_path, ior_version, "
    "created_unix_ms, connected_unix_ms, last_heartbeat_unix_ms, last_error, vf FROM ftas";

absl::StatusOr<Fta> FtaFromRow(const Statement& row) {
  Fta fta;
  fta.set_id(row.ColumnText(0));
  FTA_ASSIGN_OR_RETURN(
      fta::v1::FtaKind kind,
      EnumFromName<fta::v1::FtaKind>(row.ColumnText(1), absl::StrCat("fta ", fta.id(), " kind")));
  fta.set_kind(kind);
  FTA_ASSIGN_OR_RETURN(
      fta::v1::Backend backend,
      EnumFromName<fta::v1::Backend>(row.ColumnText(2), absl::StrCat("fta ", fta.id(), " backend")));
  fta.set_backend(backend);
  FTA_ASSIGN_OR_RETURN(
      fta::v1::FtaState state,
      EnumFromName<fta::v1::FtaState>(row.ColumnText(3), absl::StrCat("fta ", fta.id(), " state")));
  fta.set_state(state);
  fta.set_pid(row.ColumnInt(4));
  fta.set_hostname(row.ColumnText(5));
  fta.set_agent_version(row.ColumnText(6));
  fta.set_ior_path(row.ColumnText(7));
  fta.set_ior_version(row.ColumnText(8));
  fta.set_created_unix_ms(row.ColumnInt(9));
  fta.set_connected_unix_ms(row.ColumnInt(10));
  fta.set_last_heartbeat_unix_ms(row.ColumnInt(11));
  fta.set_last_error(row.ColumnText(12));
  fta.set_vf(row.ColumnText(13));
  return fta;
}

const char kSelectJob[] =
    "SELECT id, state, spec, created_unix_ms, finished_unix_ms, error, transfer_size_bytes, "
    "block_size_bytes, engine, timestamp_source, source, ior_version, ior_command_line FROM jobs";

absl::StatusOr<Job> JobFromRow(const Statement& row) {
  Job job;
  job.set_id(row.ColumnText(0));
  FTA_ASSIGN_OR_RETURN(
      fta::v1::JobState state,
      EnumFromName<fta::v1::JobState>(row.ColumnText(1), absl::StrCat("job ", job.id(), " state")));
  job.set_state(state);
  FTA_ASSIGN_OR_RETURN(*job.mutable_spec(), SpecFromJson(row.ColumnText(2), job.id()));
  job.set_created_unix_ms(row.ColumnInt(3));
  job.set_finished_unix_ms(row.ColumnInt(4));
  job.set_error(row.ColumnText(5));
  job.set_transfer_size_bytes(row.ColumnInt(6));
  job.set_block_size_bytes(row.ColumnInt(7));
  FTA_ASSIGN_OR_RETURN(fta::v1::Engine engine,
                       EnumFromName<fta::v1::Engine>(row.ColumnText(8), absl::StrCat("job ", job.id(), " engine")));
  job.set_engine(engine);
  job.set_timestamp_source(row.ColumnText(9));
  job.set_source(row.ColumnText(10));
  job.set_ior_version(row.ColumnText(11));
  job.set_ior_command_line(row.ColumnText(12));
  return job;
}

// Phases are stored by name, so SQL would order them alphabetically (READ

const char kSelectJobAgents[] = "SELECT job_id, fta_id, ranks, state, error FROM job_agents";

absl::StatusOr<JobAgent> JobAgentFromRow(const Statement& row) {
  JobAgent agent;
  agent.set_fta_id(row.ColumnText(1));
  FTA_ASSIGN_OR_RETURN(std::vector<int32_t> ranks,
                       ParseRanks(row.ColumnText(2), row.ColumnText(0)));
  agent.mutable_ranks()->Add(ranks.begin(), ranks.end());
  FTA_ASSIGN_OR_RETURN(fta::v1::JobAgentState state,
                       EnumFromName<fta::v1::JobAgentState>(row.ColumnText(3), "job agent state"));
  agent.set_state(state);
  agent.set_error(row.ColumnText(4));
  return agent;
}

const char kSelectAggregates[] =
    "SELECT job_id, iteration, phase, bytes, total_seconds, bandwidth_mib, bandwidth_mb, iops, "
    "open_seconds, xfer_seconds, close_seconds, start_skew_seconds, ranks, all_active_seconds, "
    "all_active_bandwidth_mib, stonewall_min_ops, stonewall_max_ops FROM phase_aggregates";

absl::StatusOr<PhaseAggregate> AggregateFromRow(const Statement& row) {
  PhaseAggregate a;
  a.set_iteration(static_cast<int32_t>(row.ColumnInt(1)));
  FTA_ASSIGN_OR_RETURN(
      fta::v1::Phase phase,
      EnumFromName<fta::v1::Phase>(row.ColumnText(2),
                                   absl::StrCat("job ", row.ColumnText(0), " aggregate phase")));
  a.set_phase(phase);
  a.set_bytes(row.ColumnInt(3));
  a.set_total_seconds(row.ColumnDouble(4));
  a.set_bandwidth_mib(row.ColumnDouble(5));
  a.set_bandwidth_mb(row.ColumnDouble(6));
  a.set_iops(row.ColumnDouble(7));
  a.set_open_seconds(row.ColumnDouble(8));
  a.set_xfer_seconds(row.ColumnDouble(9));
  a.set_close_seconds(row.ColumnDouble(10));
  a.set_start_skew_seconds(row.ColumnDouble(11));
  a.set_ranks(static_cast<int32_t>(row.ColumnInt(12)));
  a.set_all_active_seconds(row.ColumnDouble(13));
  a.set_all_active_bandwidth_mib(row.ColumnDouble(14));
  a.set_stonewall_min_ops(row.ColumnInt(15));
  a.set_stonewall_max_ops(row.ColumnInt(16));
  return a;
}

const char kSelectLinks[] =
    "SELECT job_id, iteration, phase, ib_port, pf, rate_gbps, xmit_bytes, rcv_bytes, seconds, utilisation_pct, "
    "agent_bytes, ftas, check_result, error FROM phase_links";

absl::StatusOr<LinkRow> LinkFromRow(const Statement& row) {
  LinkRow out;
  out.iteration = static_cast<int32_t>(row.ColumnInt(1));
  FTA_ASSIGN_OR_RETURN(out.phase, EnumFromName<fta::v1::Phase>(
                                      row.ColumnText(2), absl::StrCat("job ", row.ColumnText(0), " link phase")));
  fta::v1::LinkUsage& link = out.link;
  link.set_ib_port(row.ColumnText(3));
  link.set_pf(row.ColumnText(4));
  link.set_rate_gbps(row.ColumnDouble(5));
  link.set_xmit_bytes(row.ColumnInt(6));
  link.set_rcv_bytes(row.ColumnInt(7));
  link.set_seconds(row.ColumnDouble(8));
  link.set_utilisation_pct(row.ColumnDouble(9));
  link.set_agent_bytes(row.ColumnInt(10));
  link.set_ftas(static_cast<int32_t>(row.ColumnInt(11)));
  link.set_check(row.ColumnText(12));
  link.set_error(row.ColumnText(13));
  return out;
}

const char kSelectSummaries[] =
    "SELECT job_id, phase, max_mib, min_mib, mean_mib, stddev_mib, mean_seconds, "
    "bytes_per_iteration, iterations FROM phase_summaries";

absl::StatusOr<PhaseSummary> SummaryFromRow(const Statement& row) {
  PhaseSummary s;
  FTA_ASSIGN_OR_RETURN(
      fta::v1::Phase phase,
      EnumFromName<fta::v1::Phase>(row.ColumnText(1),
                                   absl::StrCat("job ", row.ColumnText(0), " summary phase")));
  s.set_phase(phase);
  s.set_max_mib(row.ColumnDouble(2));
  s.set_min_mib(row.ColumnDouble(3));
  s.set_mean_mib(row.ColumnDouble(4));
  s.set_stddev_mib(row.ColumnDouble(5));
  s.set_mean_seconds(row.ColumnDouble(6));
  s.set_bytes_per_iteration(row.ColumnInt(7));
  s.set_iterations(static_cast<int32_t>(row.ColumnInt(8)));
  return s;
}

const char kSelectRankResults[] =
    "SELECT job_id, iteration, phase, rank, fta_id, open_start_ns, open_end_ns, xfer_start_ns, "
    "xfer_end_ns, close_start_ns, close_end_ns, bytes, ops FROM rank_results";

absl::StatusOr<RankPhaseResult> RankResultFromRow(const Statement& row) {
  RankPhaseResult r;
  r.set_iteration(static_cast<int32_t>(row.ColumnInt(1)));
  FTA_ASSIGN_OR_RETURN(
      fta::v1::Phase phase,
      EnumFromName<fta::v1::Phase>(row.ColumnText(2),
                                   absl::StrCat("job ", row.ColumnText(0), " rank result phase")));
  r.set_phase(phase);
  r.set_rank(static_cast<int32_t>(row.ColumnInt(3)));
  r.set_fta_id(row.ColumnText(4));
  r.set_open_start_ns(row.ColumnInt(5));
  r.set_open_end_ns(row.ColumnInt(6));
  r.set_xfer_start_ns(row.ColumnInt(7));
  r.set_xfer_end_ns(row.ColumnInt(8));
  r.set_close_start_ns(row.ColumnInt(9));
  r.set_close_end_ns(row.ColumnInt(10));
  r.set_bytes(row.ColumnInt(11));
  r.set_ops(row.ColumnInt(12));
  return r;
}

std::string AfterRowCondition(const std::string& table, int param, bool newest_first) {
  return absl::StrCat("(?", param, " = '' OR (created_unix_ms, seq) ", newest_first ? "<" : ">",
                      " (SELECT created_unix_ms, seq FROM ", table, " WHERE id = ?", param, "))");
}

absl::Status CheckPageAfter(sqlite3* db, const std::string& table, const std::string& after) {
  if (after.empty()) return absl::OkStatus();
  FTA_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(db, absl::StrCat("SELECT 1 FROM ", table, " WHERE id = ?1"),
                                                          absl::StrCat("page of ", table)));
  stmt.BindText(1, after);
  FTA_ASSIGN_OR_RETURN(bool found, stmt.Step());
  if (found) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("page_token: continues after ", after, ", which ", table, " does not hold"));
}

}  // namespace fta::store
