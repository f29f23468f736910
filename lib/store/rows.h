// Conversions between the store's rows and the fta.v1 messages, used only
// inside lib/store. Enums are stored by their proto names, the IorSpec as
// JSON, agent ranks as "0,1"; see schema.cc for the tables.
#pragma once

#include <google/protobuf/generated_enum_reflection.h>
#include <google/protobuf/message.h>

#include <algorithm>
#include <cstdint>
#include <functional>
#include <string>
#include <tuple>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "fta/v1/common.pb.h"
#include "fta/v1/job.pb.h"
#include "lib/core/paging.h"
#include "lib/core/status_macros.h"
#include "lib/store/sqlite_util.h"

namespace fta::store {

// `what` names the field for the error ("fta fta-3 state"). An out-of-range
// value (proto3 enums are open) is INVALID_ARGUMENT: there is no name to
// store.
template <typename E>
absl::StatusOr<std::string> EnumName(E value, absl::string_view what) {
  const google::protobuf::EnumValueDescriptor* descriptor =
      google::protobuf::GetEnumDescriptor<E>()->FindValueByNumber(value);
  if (descriptor == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": unknown enum value ", static_cast<int>(value)));
  }
  return descriptor->name();
}

// A name this code does not know means the row was written by other code
// (or edited by hand); refusing beats silently mapping it to UNSPECIFIED.
template <typename E>
absl::StatusOr<E> EnumFromName(const std::string& name, absl::string_view what) {
  const google::protobuf::EnumValueDescriptor* descriptor =
      google::protobuf::GetEnumDescriptor<E>()->FindValueByName(name);
  if (descriptor == nullptr) {
    return absl::InternalError(absl::StrCat(what, ": unknown value '", name, "' in the database"));
  }
  return static_cast<E>(descriptor->number());
}

// Specs are stored as JSON with the .proto's field names ("transfer_size"),
// what someone reading the table with sqlite3 looks for. Reading ignores
// fields a later release added. `what` names the owner ("job j-1").
absl::StatusOr<std::string> MessageToJson(const google::protobuf::Message& message, absl::string_view what);
absl::Status MessageFromJson(const std::string& json, absl::string_view what, google::protobuf::Message* message);

template <typename M>
absl::StatusOr<M> FromJson(const std::string& json, absl::string_view what) {
  M message;
  FTA_RETURN_IF_ERROR(MessageFromJson(json, what, &message));
  return message;
}

// Reads every column of `row` into the field of `message` the column is
// named after (its AS name, if any): integers, doubles, strings and bools by
// their type, enums by their proto names (EnumFromName's rule, errors naming
// `what` and the field). Columns that name no singular scalar field of
// `message` (the parent row's id, stored JSON, lists) are the caller's, so
// one row can fill a message and its submessage in two calls.
absl::Status ReadFields(const Statement& row, absl::string_view what, google::protobuf::Message* message);

// The write side of ReadFields: binds every parameter of `stmt` named after
// a singular scalar field of `message` (":bytes" gets bytes()), enums by
// their proto names (INVALID_ARGUMENT naming `what` and the field for a
// value with no name). Parameters that name no such field (the parent row's
// id, stored JSON, lists) are the caller's to bind by name.
absl::Status BindFields(Statement& stmt, absl::string_view what, const google::protobuf::Message& message);

// The INSERT that writes what a kSelect* ("SELECT <columns> FROM <table>")
// reads, `parent_columns` ("sweep_id") first: each column takes the
// parameter named after it, or after its AS name (check_result AS "check"
// takes :check), ready for BindFields.
std::string InsertSql(absl::string_view select, absl::string_view parent_columns = "");
// InsertSql plus ON CONFLICT (`key`) DO UPDATE SET every other column. An
// upsert rather than INSERT OR REPLACE: REPLACE deletes the row first, which
// gives it a new seq (moving it in the lists) and cascades to its children.
std::string UpsertSql(absl::string_view select, absl::string_view key, absl::string_view parent_columns = "");

// Column 0 of every row of `stmt` (ids), stepped to the end.
absl::StatusOr<std::vector<std::string>> ReadFirstColumn(Statement& stmt);

// Each kSelect* lists the columns its *FromRow reads, in order; callers
// append WHERE / ORDER BY. InsertSql/UpsertSql write the same columns.
extern const char kSelectFta[];
absl::StatusOr<fta::v1::Fta> FtaFromRow(const Statement& row);

extern const char kSelectJob[];
absl::StatusOr<fta::v1::Job> JobFromRow(const Statement& row);

extern const char kSelectJobAgents[];
absl::StatusOr<fta::v1::JobAgent> JobAgentFromRow(const Statement& row);

// Aggregates, summaries and rank results: rows ReadFields fills alone,
// column 0 their job's id (which errors name, with the type).
template <typename M>
absl::StatusOr<M> JobPartFromRow(const Statement& row) {
  M message;
  FTA_RETURN_IF_ERROR(ReadFields(row, absl::StrCat("job ", row.ColumnText(0), " ", M::descriptor()->name()), &message));
  return message;
}
extern const char kSelectAggregates[];

// phase_links rows, attached to their aggregate by (iteration, phase).
struct LinkRow {
  int32_t iteration = 0;
  fta::v1::Phase phase = fta::v1::PHASE_UNSPECIFIED;
  fta::v1::LinkUsage link;
};
extern const char kSelectLinks[];
absl::StatusOr<LinkRow> LinkFromRow(const Statement& row);

extern const char kSelectSummaries[];
extern const char kSelectRankResults[];

// Steps `stmt` to the end, converting every row.
template <typename T>
absl::StatusOr<std::vector<T>> ReadRows(Statement& stmt,
                                        absl::StatusOr<T> (*from_row)(const Statement&)) {
  std::vector<T> rows;
  for (;;) {
    FTA_ASSIGN_OR_RETURN(bool more, stmt.Step());
    if (!more) return rows;
    FTA_ASSIGN_OR_RETURN(T value, from_row(stmt));
    rows.push_back(std::move(value));
  }
}

// Keyset paging (lib/core/paging.h) over a table with `id`,
// `created_unix_ms` and `seq`: the rows `select` (a kSelect*) reads that
// pass `where` ("" or a condition whose named parameters the caller binds),
// in creation order or, with `newest_first`, in reverse.
struct PageSelect {
  const char* select;
  std::string where;
  bool newest_first = false;
};
// The statement for the page after query.after (its :after and :limit, one
// row more than query.size, bound). INVALID_ARGUMENT naming page_token when
// query.after is not empty and names no row of the table.
absl::StatusOr<Statement> PreparePage(sqlite3* db, const PageSelect& select, const PageQuery& query);

// PreparePage, `bind` for the named parameters of select.where, every row
// read with `from_row`.
template <typename T>
absl::StatusOr<Page<T>> ReadPage(sqlite3* db, const PageSelect& select, const PageQuery& query,
                                 absl::StatusOr<T> (*from_row)(const Statement&),
                                 const std::function<void(Statement&)>& bind = nullptr) {
  FTA_ASSIGN_OR_RETURN(Statement stmt, PreparePage(db, select, query));
  if (bind) bind(stmt);
  FTA_ASSIGN_OR_RETURN(std::vector<T> rows, ReadRows<T>(stmt, from_row));
  Page<T> page;
  page.more = static_cast<int>(rows.size()) > query.size;
  if (page.more) rows.resize(static_cast<size_t>(query.size));
  page.items = std::move(rows);
  return page;
}

// Phases are stored by name, so SQL would order them alphabetically (READ
// before WRITE); callers want run order, which is the enum's numbering.
// Stable, so an order the SQL gave (e.g. by rank) survives within a phase.
template <typename T>
void SortByIterationPhase(std::vector<T>& rows) {
  std::stable_sort(rows.begin(), rows.end(), [](const T& a, const T& b) {
    return std::make_tuple(a.iteration(), static_cast<int>(a.phase())) <
           std::make_tuple(b.iteration(), static_cast<int>(b.phase()));
  });
}

}  // namespace fta::store
