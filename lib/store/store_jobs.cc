// The job half of Store: job rows, agents, aggregates, summaries and rank
// results (store.cc has lifecycle, ids and FTAs).
#include <sqlite3.h>

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "lib/core/status_macros.h"
#include "lib/store/job_writes.h"
#include "lib/store/rows.h"
#include "lib/store/sqlite_util.h"
#include "lib/store/store.h"

namespace fta::store {

using fta::v1::Job;
using fta::v1::JobAgent;
using fta::v1::PhaseAggregate;
using fta::v1::PhaseSummary;
using fta::v1::RankPhaseResult;

absl::Status Store::PutJob(const Job& job) {
  if (job.id().empty()) return absl::InvalidArgumentError("PutJob: the job has no id");
  const std::string operation = absl::StrCat("PutJob ", job.id());
  FTA_ASSIGN_OR_RETURN(std::string state,
                       EnumName(job.state(), absl::StrCat("job ", job.id(), " state")));
  FTA_ASSIGN_OR_RETURN(std::string spec, MessageToJson(job.spec(), absl::StrCat("job ", job.id())));

  std::lock_guard<std::mutex> lock(mu_);
  FTA_ASSIGN_OR_RETURN(Transaction txn, Transaction::Begin(db_, operation));
  {
    // Upsert, not INSERT OR REPLACE: REPLACE deletes the old row, and the
    // ON DELETE CASCADE would take the job's results with it.
    FTA_ASSIGN_OR_RETURN(
        Statement stmt,
        Statement::Prepare(
            db_,
            absl::StrCat(
                kInsertJob,
                " ON CONFLICT (id) DO UPDATE SET state = excluded.state, spec = excluded.spec, "
                "created_unix_ms = excluded.created_unix_ms, "
                "finished_unix_ms = excluded.finished_unix_ms, error = excluded.error, "
                "transfer_size_bytes = excluded.transfer_size_bytes, "
                "block_size_bytes = excluded.block_size_bytes, engine = excluded.engine, "
                "timestamp_source = excluded.timestamp_source, source = excluded.source, "
                "ior_version = excluded.ior_version, ior_command_line = excluded.ior_command_line"),
            operation));
    BindJob(stmt, job, state, spec);
    FTA_RETURN_IF_ERROR(stmt.Run());
  }
  {
    FTA_ASSIGN_OR_RETURN(
        Statement stmt,
        Statement::Prepare(db_, "DELETE FROM job_agents WHERE job_id = ?1", operation));
    stmt.BindText(1, job.id());
    FTA_RETURN_IF_ERROR(stmt.Run());
  }
  FTA_ASSIGN_OR_RETURN(
      Statement insert,
      Statement::Prepare(db_,
                         "INSERT INTO job_agents (job_id, position, fta_id, ranks, state, error) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                         operation));
  for (int i = 0; i < job.agents_size(); ++i) {
    const JobAgent& agent = job.agents(i);
    insert.Reset();
    insert.BindText(1, job.id())
        .BindInt(2, i)
        .BindText(3, agent.fta_id())
        .BindText(4, absl::StrJoin(agent.ranks(), ","))
        .BindText(5, fta::v1::JobAgentState_Name(agent.state()))
        .BindText(6, agent.error());
    FTA_RETURN_IF_ERROR(insert.Run());
  }
  return txn.Commit();
}

absl::Status Store::CheckJobExists(const std::string& job_id, const std::string& operation) {
  FTA_ASSIGN_OR_RETURN(Statement stmt,
                       Statement::Prepare(db_, "SELECT 1 FROM jobs WHERE id = ?1", operation));
  stmt.BindText(1, job_id);
  FTA_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return absl::NotFoundError(absl::StrCat("job ", job_id, " not found"));
  return absl::OkStatus();
}

absl::Status Store::AddRankResults(const std::string& job_id,
                                   const std::vector<RankPhaseResult>& results) {
  const std::string operation = absl::StrCat("AddRankResults ", job_id);
  std::vector<std::string> phases;
  phases.reserve(results.size());
  for (const RankPhaseResult& result : results) {
    FTA_ASSIGN_OR_RETURN(
        std::string phase,
        EnumName(result.phase(), absl::StrCat(operation, " rank ", result.rank(), " phase")));
    phases.push_back(std::move(phase));
  }

  std::lock_guard<std::mutex> lock(mu_);
  FTA_ASSIGN_OR_RETURN(Transaction txn, Transaction::Begin(db_, operation));
  FTA_RETURN_IF_ERROR(CheckJobExists(job_id, operation));
  FTA_ASSIGN_OR_RETURN(
      Statement insert,
      Statement::Prepare(
          db_,
          "INSERT INTO rank_results (job_id, iteration, phase, rank, fta_id, open_start_ns, "
          "open_end_ns, xfer_start_ns, xfer_end_ns, close_start_ns, close_end_ns, bytes, ops) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
          operation));
  for (size_t i = 0; i < results.size(); ++i) {
    const RankPhaseResult& r = results[i];
    insert.Reset();
    insert.BindText(1, job_id)
        .BindInt(2, r.iteration())
        .BindText(3, phases[i])
        .BindInt(4, r.rank())
        .BindText(5, r.fta_id())
        .BindInt(6, r.open_start_ns())
        .BindInt(7, r.open_end_ns())
        .BindInt(8, r.xfer_start_ns())
        .BindInt(9, r.xfer_end_ns())
        .BindInt(10, r.close_start_ns())
        .BindInt(11, r.close_end_ns())
        .BindInt(12, r.bytes())
        .BindInt(13, r.ops());
    absl::Status status = insert.Run();
    if (!status.ok()) {
      return absl::Status(status.code(),
                          absl::StrCat(status.message(), " [iteration ", r.iteration(), " ",
                                       phases[i], " rank ", r.rank(), "; nothing stored]"));
    }
  }
  return txn.Commit();
}

absl::Status Store::AddAggregate(const std::string& job_id, const PhaseAggregate& aggregate) {
  const std::string operation = absl::StrCat("AddAggregate ", job_id);
  FTA_ASSIGN_OR_RETURN(std::string phase,
                       EnumName(aggregate.phase(), absl::StrCat(operation, " phase")));
  std::lock_guard<std::mutex> lock(mu_);
  FTA_ASSIGN_OR_RETURN(Transaction txn, Transaction::Begin(db_, operation));
  FTA_RETURN_IF_ERROR(CheckJobExists(job_id, operation));
  FTA_ASSIGN_OR_RETURN(
      Statement stmt,
      Statement::Prepare(
          db_,
          absl::StrCat("INSERT OR REPLACE INTO phase_aggregates (", kAggregateColumns,
                       ", all_active_seconds, all_active_bandwidth_mib, stonewall_min_ops, stonewall_max_ops) "
                       "VALUES (",
                       kAggregateParameters, ", ?14, ?15, ?16, ?17)"),
          operation));
  BindAggregate(stmt, job_id, phase, aggregate);
  stmt.BindDouble(14, aggregate.all_active_seconds())
      .BindDouble(15, aggregate.all_active_bandwidth_mib())
      .BindInt(16, aggregate.stonewall_min_ops())
      .BindInt(17, aggregate.stonewall_max_ops());
  FTA_RETURN_IF_ERROR(stmt.Run());
  // Replacing an aggregate replaces its links: none may outlive it.
  FTA_ASSIGN_OR_RETURN(
      Statement clear,
      Statement::Prepare(db_, "DELETE FROM phase_links WHERE job_id = ?1 AND iteration = ?2 AND phase = ?3",
                         operation));
  clear.BindText(1, job_id).BindInt(2, aggregate.iteration()).BindText(3, phase);
  FTA_RETURN_IF_ERROR(clear.Run());
  for (const fta::v1::LinkUsage& link : aggregate.links()) {
    FTA_ASSIGN_OR_RETURN(Statement insert, Statement::Prepare(db_, kInsertLink, operation));
    BindLink(insert, job_id, aggregate.iteration(), phase, link);
    FTA_RETURN_IF_ERROR(insert.Run());
  }
  return txn.Commit();
}

absl::Status Store::PutSummaries(const std::string& job_id,
                                 const std::vector<PhaseSummary>& summaries) {
  const std::string operation = absl::StrCat("PutSummaries ", job_id);
  std::vector<std::string> phases;
  for (const PhaseSummary& summary : summaries) {
    FTA_ASSIGN_OR_RETURN(std::string phase,
                         EnumName(summary.phase(), absl::StrCat(operation, " phase")));
    phases.push_back(std::move(phase));
  }
  std::lock_guard<std::mutex> lock(mu_);
  FTA_ASSIGN_OR_RETURN(Transaction txn, Transaction::Begin(db_, operation));
  FTA_RETURN_IF_ERROR(CheckJobExists(job_id, operation));
  {
    FTA_ASSIGN_OR_RETURN(
        Statement stmt,
        Statement::Prepare(db_, "DELETE FROM phase_summaries WHERE job_id = ?1", operation));
    stmt.BindText(1, job_id);
    FTA_RETURN_IF_ERROR(stmt.Run());
  }
  FTA_ASSIGN_OR_RETURN(Statement insert, Statement::Prepare(db_, kInsertSummary, operation));
  for (size_t i = 0; i < summaries.size(); ++i) {
    insert.Reset();
    BindSummary(insert, job_id, phases[i], summaries[i]);
    FTA_RETURN_IF_ERROR(insert.Run());
  }
  return txn.Commit();
}

absl::Status Store::LoadJobDetails(Job& job, bool with_rank_results) {
  const std::string operation = absl::StrCat("loading job ", job.id());
  {
    FTA_ASSIGN_OR_RETURN(
        Statement stmt,
        Statement::Prepare(db_,
                           absl::StrCat(kSelectJobAgents, " WHERE job_id = ?1 ORDER BY position"),
                           operation));
    stmt.BindText(1, job.id());
    FTA_ASSIGN_OR_RETURN(std::vector<JobAgent> agents, ReadRows(stmt, &JobAgentFromRow));
    for (JobAgent& agent : agents) *job.add_agents() = std::move(agent);
  }
  {
    FTA_ASSIGN_OR_RETURN(
        Statement stmt,
        Statement::Prepare(db_, absl::StrCat(kSelectAggregates, " WHERE job_id = ?1"), operation));
    stmt.BindText(1, job.id());
    FTA_ASSIGN_OR_RETURN(std::vector<PhaseAggregate> aggregates, ReadRows(stmt, &AggregateFromRow));
    SortByIterationPhase(aggregates);
    FTA_ASSIGN_OR_RETURN(
        Statement links_stmt,
        Statement::Prepare(db_, absl::StrCat(kSelectLinks, " WHERE job_id = ?1 ORDER BY ib_port"), operation));
    links_stmt.BindText(1, job.id());
    FTA_ASSIGN_OR_RETURN(std::vector<LinkRow> links, ReadRows(links_stmt, &LinkFromRow));
    for (PhaseAggregate& a : aggregates) {
      for (LinkRow& row : links) {
        if (row.iteration == a.iteration() && row.phase == a.phase()) *a.add_links() = std::move(row.link);
      }
      *job.add_aggregates() = std::move(a);
    }
  }
  {
    FTA_ASSIGN_OR_RETURN(
        Statement stmt,
        Statement::Prepare(db_, absl::StrCat(kSelectSummaries, " WHERE job_id = ?1"), operation));
    stmt.BindText(1, job.id());
    FTA_ASSIGN_OR_RETURN(std::vector<PhaseSummary> summaries, ReadRows(stmt, &SummaryFromRow));
    std::stable_sort(
        summaries.begin(), summaries.end(),
        [](const PhaseSummary& a, const PhaseSummary& b) { return a.phase() < b.phase(); });
    for (PhaseSummary& s : summaries) *job.add_summaries() = std::move(s);
  }
  if (!with_rank_results) return absl::OkStatus();
  FTA_ASSIGN_OR_RETURN(
      Statement stmt,
      Statement::Prepare(
          db_, absl::StrCat(kSelectRankResults, " WHERE job_id = ?1 ORDER BY iteration, rank"),
          operation));
  stmt.BindText(1, job.id());
  FTA_ASSIGN_OR_RETURN(std::vector<RankPhaseResult> results, ReadRows(stmt, &RankResultFromRow));
  // Stable: the SQL order by rank survives within each (iteration, phase).
  SortByIterationPhase(results);
  for (RankPhaseResult& r : results) *job.add_rank_results() = std::move(r);
  return absl::OkStatus();
}

absl::StatusOr<Job> Store::GetJob(const std::string& id) {
  const std::string operation = absl::StrCat("GetJob ", id);
  std::lock_guard<std::mutex> lock(mu_);
  // One read transaction: the row and its results come from one snapshot
  // even if another process writes meanwhile.
  FTA_ASSIGN_OR_RETURN(Transaction txn, Transaction::BeginRead(db_, operation));
  FTA_ASSIGN_OR_RETURN(
      Statement stmt,
      Statement::Prepare(db_, absl::StrCat(kSelectJob, " WHERE id = ?1"), operation));
  stmt.BindText(1, id);
  FTA_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return absl::NotFoundError(absl::StrCat("job ", id, " not found"));
  FTA_ASSIGN_OR_RETURN(Job job, JobFromRow(stmt));
  FTA_RETURN_IF_ERROR(LoadJobDetails(job, /*with_rank_results=*/true));
  return job;
}

absl::StatusOr<Page<Job>> Store::ListJobs(const PageQuery& query) {
  std::lock_guard<std::mutex> lock(mu_);
  FTA_ASSIGN_OR_RETURN(Transaction txn, Transaction::BeginRead(db_, "ListJobs"));
  FTA_RETURN_IF_ERROR(CheckPageAfter(db_, "jobs", query.after));
  FTA_ASSIGN_OR_RETURN(
      Statement stmt,
      Statement::Prepare(db_,
                         absl::StrCat(kSelectJob, " WHERE ", AfterRowCondition("jobs", 1, /*newest_first=*/true),
                                      " ORDER BY created_unix_ms DESC, seq DESC LIMIT ?2"),
                         "ListJobs"));
  stmt.BindText(1, query.after).BindInt(2, query.size + 1);
  FTA_ASSIGN_OR_RETURN(std::vector<Job> jobs, ReadRows<Job>(stmt, JobFromRow));
  Page<Job> page = ToPage(std::move(jobs), query.size);
  for (Job& job : page.items) {
    FTA_RETURN_IF_ERROR(LoadJobDetails(job, /*with_rank_results=*/false));
  }
  return page;
}

absl::StatusOr<std::vector<std::string>> Store::FailUnfinishedJobs(const std::string& reason) {
  const std::string operation = "FailUnfinishedJobs";
  const std::string pending = fta::v1::JobState_Name(fta::v1::JOB_STATE_PENDING);
  const std::string running = fta::v1::JobState_Name(fta::v1::JOB_STATE_RUNNING);
  const int64_t now_ms = clock_->NowUnixMillis();

  std::lock_guard<std::mutex> lock(mu_);
  FTA_ASSIGN_OR_RETURN(Transaction txn, Transaction::Begin(db_, operation));
  std::vector<std::string> ids;
  {
    FTA_ASSIGN_OR_RETURN(
        Statement stmt,
        Statement::Prepare(
            db_, "SELECT id FROM jobs WHERE state IN (?1, ?2) ORDER BY created_unix_ms, seq",
            operation));
    stmt.BindText(1, pending).BindText(2, running);
    for (;;) {
      FTA_ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      ids.push_back(stmt.ColumnText(0));
    }
  }
  FTA_ASSIGN_OR_RETURN(
      Statement update,
      Statement::Prepare(db_,
                         "UPDATE jobs SET state = ?1, error = ?2, finished_unix_ms = ?3 "
                         "WHERE state IN (?4, ?5)",
                         operation));
  update.BindText(1, fta::v1::JobState_Name(fta::v1::JOB_STATE_FAILED))
      .BindText(2, reason)
      .BindInt(3, now_ms)
      .BindText(4, pending)
      .BindText(5, running);
  FTA_RETURN_IF_ERROR(update.Run());
  FTA_RETURN_IF_ERROR(txn.Commit());
  return ids;
}

}  // namespace fta::store
