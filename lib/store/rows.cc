#include "lib/store/rows.h"

#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

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

absl::Status BindField(Statement& stmt, int index, const FieldDescriptor& field, absl::string_view what,
                       const google::protobuf::Message& message) {
  const google::protobuf::Reflection& reflection = *message.GetReflection();
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      stmt.BindInt(index, reflection.GetInt32(message, &field));
      break;
    case FieldDescriptor::CPPTYPE_INT64:
      stmt.BindInt(index, reflection.GetInt64(message, &field));
      break;
    case FieldDescriptor::CPPTYPE_DOUBLE:
      stmt.BindDouble(index, reflection.GetDouble(message, &field));
      break;
    case FieldDescriptor::CPPTYPE_BOOL:
      stmt.BindInt(index, reflection.GetBool(message, &field) ? 1 : 0);
      break;
    case FieldDescriptor::CPPTYPE_STRING:
      stmt.BindText(index, reflection.GetString(message, &field));
      break;
    case FieldDescriptor::CPPTYPE_ENUM: {
      // As EnumName: proto3 enums are open, and a number has no name to store.
      const int number = reflection.GetEnumValue(message, &field);
      const google::protobuf::EnumValueDescriptor* value = field.enum_type()->FindValueByNumber(number);
      if (value == nullptr) {
        return absl::InvalidArgumentError(absl::StrCat(what, " ", field.name(), ": unknown enum value ", number));
      }
      stmt.BindText(index, value->name());
      break;
    }
    default:
      return absl::InternalError(absl::StrCat(what, " ", field.name(), ": not a column type"));
  }
  return absl::OkStatus();
}

// What InsertSql writes: the table of a "SELECT <columns> FROM <table>" and
// its columns after `parent_columns`, each with its parameter's name
// ("check_result AS \"check\"" -> {"check_result", "check"}).
struct WrittenColumns {
  std::string table;
  std::vector<std::pair<std::string, std::string>> columns;  // column, parameter
};

WrittenColumns ParseSelect(absl::string_view select, absl::string_view parent_columns) {
  const size_t from = select.find(" FROM ");
  absl::string_view selected = select.substr(0, from);
  absl::ConsumePrefix(&selected, "SELECT ");
  WrittenColumns written{std::string(absl::StripAsciiWhitespace(select.substr(from + 6))), {}};
  for (absl::string_view list : {parent_columns, selected}) {
    for (absl::string_view column : absl::StrSplit(list, ',', absl::SkipWhitespace())) {
      std::vector<std::string> parts = absl::StrSplit(column, " AS ");
      std::string parameter(absl::StripAsciiWhitespace(parts.back()));
      parameter.erase(std::remove(parameter.begin(), parameter.end(), '"'), parameter.end());
      written.columns.emplace_back(std::string(absl::StripAsciiWhitespace(parts.front())), parameter);
    }
  }
  return written;
}

}  // namespace

absl::Status BindFields(Statement& stmt, absl::string_view what, const google::protobuf::Message& message) {
  const google::protobuf::Descriptor& descriptor = *message.GetDescriptor();
  for (int index = 1; index <= stmt.ParameterCount(); ++index) {
    const std::string name = stmt.ParameterName(index);
    if (name.size() < 2) continue;
    const FieldDescriptor* field = descriptor.FindFieldByName(name.substr(1));
    if (field == nullptr || field->is_repeated() || field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) continue;
    FTA_RETURN_IF_ERROR(BindField(stmt, index, *field, what, message));
  }
  return absl::OkStatus();
}

std::string InsertSql(absl::string_view select, absl::string_view parent_columns) {
  WrittenColumns written = ParseSelect(select, parent_columns);
  std::vector<std::string> names;
  std::vector<std::string> parameters;
  for (const auto& [column, parameter] : written.columns) {
    names.push_back(column);
    parameters.push_back(absl::StrCat(":", parameter));
  }
  return absl::StrCat("INSERT INTO ", written.table, " (", absl::StrJoin(names, ", "), ") VALUES (",
                      absl::StrJoin(parameters, ", "), ")");
}

std::string UpsertSql(absl::string_view select, absl::string_view key, absl::string_view parent_columns) {
  std::vector<std::string> keys;
  for (absl::string_view column : absl::StrSplit(key, ',', absl::SkipWhitespace())) {
    keys.emplace_back(absl::StripAsciiWhitespace(column));
  }
  std::vector<std::string> updates;
  for (const auto& [column, parameter] : ParseSelect(select, parent_columns).columns) {
    if (std::find(keys.begin(), keys.end(), column) == keys.end()) {
      updates.push_back(absl::StrCat(column, " = excluded.", column));
    }
  }
  return absl::StrCat(InsertSql(select, parent_columns), " ON CONFLICT (", absl::StrJoin(keys, ", "),
                      ") DO UPDATE SET ", absl::StrJoin(updates, ", "));
}

absl::StatusOr<std::vector<std::string>> ReadFirstColumn(Statement& stmt) {
  std::vector<std::string> values;
  for (;;) {
    FTA_ASSIGN_OR_RETURN(bool more, stmt.Step());
    if (!more) return values;
    values.push_back(stmt.ColumnText(0));
  }
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
    "created_unix_ms, connected_unix_ms, last_heartbeat_unix_ms, last_error, vf, owner FROM ftas";

absl::StatusOr<fta::v1::Fta> FtaFromRow(const Statement& row) {
  fta::v1::Fta fta;
  FTA_RETURN_IF_ERROR(ReadFields(row, absl::StrCat("fta ", row.ColumnText(0)), &fta));
  return fta;
}

const char kSelectJob[] =
    "SELECT id, state, spec, created_unix_ms, finished_unix_ms, error, transfer_size_bytes, "
    "block_size_bytes, engine, timestamp_source, source, ior_version, ior_command_line, owner, start_at_unix_ms "
    "FROM jobs";

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
    "all_active_bandwidth_mib, stonewall_min_ops, stonewall_max_ops, cache_note FROM phase_aggregates";

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

const char kSelectRankResults[] =
    "SELECT job_id, iteration, phase, rank, fta_id, open_start_ns, open_end_ns, xfer_start_ns, "
    "xfer_end_ns, close_start_ns, close_end_ns, bytes, ops FROM rank_results";

absl::StatusOr<Statement> PreparePage(sqlite3* db, const PageSelect& select, const PageQuery& query) {
  const std::string table = ParseSelect(select.select, "").table;
  const std::string operation = absl::StrCat("page of ", table);
  if (!query.after.empty()) {
    FTA_ASSIGN_OR_RETURN(Statement stmt,
                         Statement::Prepare(db, absl::StrCat("SELECT 1 FROM ", table, " WHERE id = ?1"), operation));
    stmt.BindText(1, query.after);
    FTA_ASSIGN_OR_RETURN(bool found, stmt.Step());
    if (!found) {
      return absl::InvalidArgumentError(
          absl::StrCat("page_token: continues after ", query.after, ", which ", table, " does not hold"));
    }
  }
  const char* direction = select.newest_first ? " DESC" : "";
  FTA_ASSIGN_OR_RETURN(
      Statement stmt,
      Statement::Prepare(
          db,
          absl::StrCat(select.select, " WHERE ", select.where.empty() ? "" : absl::StrCat("(", select.where, ") AND "),
                       "(:after = '' OR (created_unix_ms, seq) ", select.newest_first ? "<" : ">",
                       " (SELECT created_unix_ms, seq FROM ", table, " WHERE id = :after)) ORDER BY created_unix_ms",
                       direction, ", seq", direction, " LIMIT :limit"),
          operation));
  stmt.BindText(":after", query.after).BindInt(":limit", query.size + 1);
  return stmt;
}

}  // namespace fta::store
