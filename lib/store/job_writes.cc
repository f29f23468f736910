#include "lib/store/job_writes.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "lib/core/status_macros.h"
#include "lib/store/rows.h"
#include "lib/store/sqlite_util.h"

namespace fta::store {
namespace {

// Runs `sql` (the DELETE of a set about to be replaced) with :job_id bound.
absl::Status DeleteJobRows(sqlite3* db, const std::string& sql, const std::string& job_id,
                           const std::string& operation) {
  FTA_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(db, sql, operation));
  stmt.BindText(":job_id", job_id);
  return stmt.Run();
}

// Inserts every row of `rows` with `insert`: the row's fields, :job_id, and
// what `bind_more(statement, row, index)` binds. A failing row is named
// by `describe(row)`.
template <typename Rows, typename BindMore, typename Describe>
absl::Status InsertEach(Statement& insert, const std::string& job_id, const Rows& rows, BindMore bind_more,
                        Describe describe) {
  int index = 0;
  for (const auto& row : rows) {
    insert.Reset();
    FTA_RETURN_IF_ERROR(BindFields(insert, describe(row), row));
    insert.BindText(":job_id", job_id);
    bind_more(insert, row, index++);
    absl::Status status = insert.Run();
    if (!status.ok()) {
      return absl::Status(status.code(), absl::StrCat(status.message(), " [", describe(row), "; nothing stored]"));
    }
  }
  return absl::OkStatus();
}

constexpr auto kNothingMore = [](Statement&, const auto&, int) {};

}  // namespace

absl::Status CheckJobExists(sqlite3* db, const std::string& job_id, const std::string& operation) {
  FTA_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(db, "SELECT 1 FROM jobs WHERE id = ?1", operation));
  stmt.BindText(1, job_id);
  FTA_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return absl::NotFoundError(absl::StrCat("job ", job_id, " not found"));
  return absl::OkStatus();
}

absl::Status WriteToJob(sqlite3* db, const std::string& job_id, const std::string& operation,
                        const std::function<absl::Status()>& write) {
  FTA_ASSIGN_OR_RETURN(Transaction txn, Transaction::Begin(db, operation));
  FTA_RETURN_IF_ERROR(CheckJobExists(db, job_id, operation));
  FTA_RETURN_IF_ERROR(write());
  return txn.Commit();
}

absl::Status WriteJobRow(sqlite3* db, const fta::v1::Job& job, bool upsert, const std::string& operation) {
  const std::string what = absl::StrCat("job ", job.id());
  FTA_ASSIGN_OR_RETURN(std::string spec, MessageToJson(job.spec(), what));
  FTA_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(db, upsert ? UpsertSql(kSelectJob, "id") : InsertSql(kSelectJob),
                                                          operation));
  FTA_RETURN_IF_ERROR(BindFields(stmt, what, job));
  stmt.BindText(":spec", spec);
  return stmt.Run();
}

absl::Status ReplaceJobAgents(sqlite3* db, const fta::v1::Job& job, const std::string& operation) {
  FTA_RETURN_IF_ERROR(DeleteJobRows(db, "DELETE FROM job_agents WHERE job_id = :job_id", job.id(), operation));
  FTA_ASSIGN_OR_RETURN(Statement insert, Statement::Prepare(db, InsertSql(kSelectJobAgents, "position"), operation));
  return InsertEach(
      insert, job.id(), job.agents(),
      [](Statement& stmt, const fta::v1::JobAgent& agent, int position) {
        stmt.BindInt(":position", position).BindText(":ranks", absl::StrJoin(agent.ranks(), ","));
      },
      [&](const fta::v1::JobAgent& agent) { return absl::StrCat(operation, " agent ", agent.fta_id()); });
}

absl::Status InsertRankResults(sqlite3* db, const std::string& job_id,
                               const google::protobuf::RepeatedPtrField<fta::v1::RankPhaseResult>& results,
                               const std::string& operation) {
  FTA_ASSIGN_OR_RETURN(Statement insert, Statement::Prepare(db, InsertSql(kSelectRankResults), operation));
  return InsertEach(insert, job_id, results, kNothingMore, [&](const fta::v1::RankPhaseResult& r) {
    return absl::StrCat(operation, " iteration ", r.iteration(), " ", fta::v1::Phase_Name(r.phase()), " rank ",
                        r.rank());
  });
}

absl::Status WriteAggregate(sqlite3* db, const std::string& job_id, const fta::v1::PhaseAggregate& aggregate,
                            bool replace, const std::string& operation) {
  const std::string what = absl::StrCat(operation, " iteration ", aggregate.iteration());
  {
    const std::string sql =
        replace ? UpsertSql(kSelectAggregates, "job_id, iteration, phase") : InsertSql(kSelectAggregates);
    FTA_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(db, sql, operation));
    FTA_RETURN_IF_ERROR(BindFields(stmt, what, aggregate));
    stmt.BindText(":job_id", job_id);
    FTA_RETURN_IF_ERROR(stmt.Run());
  }
  // Replacing an aggregate replaces its links: none may outlive it.
  const std::string phase = fta::v1::Phase_Name(aggregate.phase());
  {
    FTA_ASSIGN_OR_RETURN(
        Statement clear,
        Statement::Prepare(db, "DELETE FROM phase_links WHERE job_id = :job_id AND iteration = :iteration AND phase = :phase",
                           operation));
    clear.BindText(":job_id", job_id).BindInt(":iteration", aggregate.iteration()).BindText(":phase", phase);
    FTA_RETURN_IF_ERROR(clear.Run());
  }
  FTA_ASSIGN_OR_RETURN(Statement insert, Statement::Prepare(db, InsertSql(kSelectLinks), operation));
  return InsertEach(
      insert, job_id, aggregate.links(),
      [&](Statement& stmt, const fta::v1::LinkUsage&, int) {
        stmt.BindInt(":iteration", aggregate.iteration()).BindText(":phase", phase);
      },
      [&](const fta::v1::LinkUsage& link) { return absl::StrCat(what, " ", phase, " link ", link.ib_port()); });
}

absl::Status ReplaceSummaries(sqlite3* db, const std::string& job_id,
                              const google::protobuf::RepeatedPtrField<fta::v1::PhaseSummary>& summaries,
                              const std::string& operation) {
  FTA_RETURN_IF_ERROR(DeleteJobRows(db, "DELETE FROM phase_summaries WHERE job_id = :job_id", job_id, operation));
  FTA_ASSIGN_OR_RETURN(Statement insert, Statement::Prepare(db, InsertSql(kSelectSummaries), operation));
  return InsertEach(insert, job_id, summaries, kNothingMore, [&](const fta::v1::PhaseSummary& summary) {
    return absl::StrCat(operation, " ", fta::v1::Phase_Name(summary.phase()), " summary");
  });
}

}  // namespace fta::store
