#include "lib/store/rows.h"

#include <google/protobuf/util/json_util.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"

namespace fta::store {

// ---- JSON and fields ---------------------------------------------------------

absl::StatusOr<std::string> MessageToJson(const google::protobuf::Message& message, absl::string_view what) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string json;
  auto status = google::protobuf::util::MessageToJsonString(message, &json, options);
  if (!status.ok()) return absl::InternalError(absl::StrCat(what, ": encoding spec as JSON: ", status.ToString()));
  return json;
}

absl::Status MessageFromJson(const std::string& json, absl::string_view what, google::protobuf::Message* message) {
  google::protobuf::util::JsonParseOptions options;
  // A spec field added by a later release without a schema change must not
  // make history unreadable to this one.
  options.ignore_unknown_fields = true;
  auto status = google::protobuf::util::JsonStringToMessage(json, message, options);
  if (!status.ok()) {
    return absl::InternalError(absl::StrCat(what, ": stored spec is not valid JSON: ", status.ToString()));
  }
  return absl::OkStatus();
}

namespace {

using google::protobuf::FieldDescriptor;

absl::Status ReadField(const Statement& row, int column, const FieldDescriptor& field, absl::string_view what,
                       google::protobuf::Message* message) {
  const google::protobuf::Reflection& reflection = *message->GetReflection();
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      reflection.SetInt32(message, &field, static_cast<int32_t>(row.ColumnInt(column)));
      return absl::OkStatus();
    case FieldDescriptor::CPPTYPE_INT64:
      reflection.SetInt64(message, &field, row.ColumnInt(column));
      return absl::OkStatus();
    case FieldDescriptor::CPPTYPE_DOUBLE:
      reflection.SetDouble(message, &field, row.ColumnDouble(column));
      return absl::OkStatus();
    case FieldDescriptor::CPPTYPE_BOOL:
      reflection.SetBool(message, &field, row.ColumnInt(column) != 0);
      return absl::OkStatus();
    case FieldDescriptor::CPPTYPE_STRING:
      reflection.SetString(message, &field, row.ColumnText(column));
      return absl::OkStatus();
    case FieldDescriptor::CPPTYPE_ENUM: {
      // As EnumFromName: a name this code does not know is refused.
      std::string name = row.ColumnText(column);
      const google::protobuf::EnumValueDescriptor* value = field.enum_type()->FindValueByName(name);
      if (value == nullptr) {
        return absl::InternalError(
            absl::StrCat(what, " ", field.name(), ": unknown value '", name, "' in the database"));
      }
      reflection.SetEnum(message, &field, value);
      return absl::OkStatus();
    }
    default:  // messages are skipped by the caller
      return absl::InternalError(absl::StrCat(what, " ", field.name(), ": not a column type"));
  }
}

}  // namespace

absl::Status ReadFields(const Statement& row, absl::string_view what, google::protobuf::Message* message) {
  const google::protobuf::Descriptor& descriptor = *message->GetDescriptor();
  for (int column = 0; column < row.ColumnCount(); ++column) {
    const FieldDescriptor* field = descriptor.FindFieldByName(row.ColumnName(column));
    if (field == nullptr || field->is_repeated() || field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) continue;
    FTA_RETURN_IF_ERROR(ReadField(row, column, *field, what, message));
  }
  return absl::OkStatus();
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

absl::StatusOr<fta::v1::Fta> FtaFromRow(const Statement& row) {
  fta::v1::Fta fta;
  FTA_RETURN_IF_ERROR(ReadFields(row, absl::StrCat("fta ", row.ColumnText(0)), &fta));
  return fta;
}

const char kSelectJob[] =
    "SELECT id, state, spec, created_unix_ms, finished_unix_ms, error, transfer_size_bytes, "
    "block_size_bytes, engine, timestamp_source, source, ior_version, ior_command_line FROM jobs";

absl::StatusOr<fta::v1::Job> JobFromRow(const Statement& row) {
  fta::v1::Job job;
  const std::string what = absl::StrCat("job ", row.ColumnText(0));
  FTA_RETURN_IF_ERROR(ReadFields(row, what, &job));
  FTA_ASSIGN_OR_RETURN(*job.mutable_spec(), FromJson<fta::v1::IorSpec>(row.ColumnText(2), what));
  return job;
}

const char kSelectJobAgents[] = "SELECT job_id, fta_id, ranks, state, error FROM job_agents";

absl::StatusOr<fta::v1::JobAgent> JobAgentFromRow(const Statement& row) {
  fta::v1::JobAgent agent;
  FTA_RETURN_IF_ERROR(ReadFields(row, "job agent", &agent));
  FTA_ASSIGN_OR_RETURN(std::vector<int32_t> ranks, ParseRanks(row.ColumnText(2), row.ColumnText(0)));
  agent.mutable_ranks()->Add(ranks.begin(), ranks.end());
  return agent;
}

const char kSelectAggregates[] =
    "SELECT job_id, iteration, phase, bytes, total_seconds, bandwidth_mib, bandwidth_mb, iops, "
    "open_seconds, xfer_seconds, close_seconds, start_skew_seconds, ranks, all_active_seconds, "
    "all_active_bandwidth_mib, stonewall_min_ops, stonewall_max_ops FROM phase_aggregates";

absl::StatusOr<fta::v1::PhaseAggregate> AggregateFromRow(const Statement& row) {
  fta::v1::PhaseAggregate aggregate;
  FTA_RETURN_IF_ERROR(ReadFields(row, absl::StrCat("job ", row.ColumnText(0), " aggregate"), &aggregate));
  return aggregate;
}

const char kSelectLinks[] =
    "SELECT job_id, iteration, phase, ib_port, pf, rate_gbps, xmit_bytes, rcv_bytes, seconds, utilisation_pct, "
    "agent_bytes, ftas, check_result AS \"check\", error FROM phase_links";

absl::StatusOr<LinkRow> LinkFromRow(const Statement& row) {
  LinkRow out;
  out.iteration = static_cast<int32_t>(row.ColumnInt(1));
  FTA_ASSIGN_OR_RETURN(out.phase, EnumFromName<fta::v1::Phase>(
                                      row.ColumnText(2), absl::StrCat("job ", row.ColumnText(0), " link phase")));
  FTA_RETURN_IF_ERROR(ReadFields(row, absl::StrCat("job ", row.ColumnText(0), " link"), &out.link));
  return out;
}

const char kSelectSummaries[] =
    "SELECT job_id, phase, max_mib, min_mib, mean_mib, stddev_mib, mean_seconds, "
    "bytes_per_iteration, iterations FROM phase_summaries";

absl::StatusOr<fta::v1::PhaseSummary> SummaryFromRow(const Statement& row) {
  fta::v1::PhaseSummary summary;
  FTA_RETURN_IF_ERROR(ReadFields(row, absl::StrCat("job ", row.ColumnText(0), " summary"), &summary));
  return summary;
}

const char kSelectRankResults[] =
    "SELECT job_id, iteration, phase, rank, fta_id, open_start_ns, open_end_ns, xfer_start_ns, "
    "xfer_end_ns, close_start_ns, close_end_ns, bytes, ops FROM rank_results";

absl::StatusOr<fta::v1::RankPhaseResult> RankResultFromRow(const Statement& row) {
  fta::v1::RankPhaseResult result;
  FTA_RETURN_IF_ERROR(ReadFields(row, absl::StrCat("job ", row.ColumnText(0), " rank result"), &result));
  return result;
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
