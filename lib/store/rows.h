// Conversions between the store's rows and the fta.v1 messages, used only
// inside lib/store. Enums are stored by their proto names, the IorSpec as
// JSON, agent ranks as "0,1"; see schema.cc for the tables.
#pragma once

#include <google/protobuf/generated_enum_reflection.h>
#include <google/protobuf/message.h>

#include <algorithm>
#include <cstdint>
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

// Each kSelect* lists the columns its *FromRow reads, in order; callers
// append WHERE / ORDER BY.
extern const char kSelectFta[];
absl::StatusOr<fta::v1::Fta> FtaFromRow(const Statement& row);

extern const char kSelectJob[];
absl::StatusOr<fta::v1::Job> JobFromRow(const Statement& row);

extern const char kSelectJobAgents[];
absl::StatusOr<fta::v1::JobAgent> JobAgentFromRow(const Statement& row);

extern const char kSelectAggregates[];
absl::StatusOr<fta::v1::PhaseAggregate> AggregateFromRow(const Statement& row);

// phase_links rows, attached to their aggregate by (iteration, phase).
struct LinkRow {
  int32_t iteration = 0;
  fta::v1::Phase phase = fta::v1::PHASE_UNSPECIFIED;
  fta::v1::LinkUsage link;
};
extern const char kSelectLinks[];
absl::StatusOr<LinkRow> LinkFromRow(const Statement& row);

extern const char kSelectSummaries[];
absl::StatusOr<fta::v1::PhaseSummary> SummaryFromRow(const Statement& row);

extern const char kSelectRankResults[];
absl::StatusOr<fta::v1::RankPhaseResult> RankResultFromRow(const Statement& row);

// Keyset paging (lib/core/paging.h) over a table with `id`, `created_unix_ms`
// and `seq`: the condition that keeps the rows after the row whose id is
// bound to parameter `param` ('' = all rows), in creation order or, with
// `newest_first`, in reverse.
std::string AfterRowCondition(const std::string& table, int param, bool newest_first);
// INVALID_ARGUMENT naming page_token when `after` is not empty and names no
// row of `table`.
absl::Status CheckPageAfter(sqlite3* db, const std::string& table, const std::string& after);

// Rows read with LIMIT size + 1 as a page of `size`.
template <typename T>
Page<T> ToPage(std::vector<T> rows, int size) {
  Page<T> page;
  page.more = static_cast<int>(rows.size()) > size;
  if (page.more) rows.resize(static_cast<size_t>(size));
  page.items = std::move(rows);
  return page;
}

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
