// The job half of Store: job rows, agents, aggregates, summaries and rank
// results (store.cc has lifecycle, ids and FTAs).
#include <sqlite3.h>

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
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
  std::lock_guard<std::mutex> lock(mu_);
  FTA_ASSIGN_OR_RETURN(Transaction txn, Transaction::Begin(db_, operation));
  // Upsert, not INSERT OR REPLACE: REPLACE deletes the old row, and the
  // ON DELETE CASCADE would take the job's results with it.
  FTA_RETURN_IF_ERROR(WriteJobRow(db_, job, /*upsert=*/true, operation));
  FTA_RETURN_IF_ERROR(ReplaceJobAgents(db_, job, operation));
  return txn.Commit();
}

absl::Status Store::CheckJobExists(const std::string& job_id, const std::string& operation) {
  return store::CheckJobExists(db_, job_id, operation);
}

absl::Status Store::AddRankResults(const std::string& job_id, const std::vector<RankPhaseResult>& results) {
  const std::string operation = absl::StrCat("AddRankResults ", job_id);
  std::lock_guard<std::mutex> lock(mu_);
  return WriteToJob(db_, job_id, operation, [&] {
    return InsertRankResults(db_, job_id, google::protobuf::RepeatedPtrField<RankPhaseResult>(results.begin(), results.end()),
                             operation);
  });
}

absl::Status Store::AddAggregate(const std::string& job_id, const PhaseAggregate& aggregate) {
  const std::string operation = absl::StrCat("AddAggregate ", job_id);
  std::lock_guard<std::mutex> lock(mu_);
  return WriteToJob(db_, job_id, operation,
                    [&] { return WriteAggregate(db_, job_id, aggregate, /*replace=*/true, operation); });
}

absl::Status Store::PutSummaries(const std::string& job_id, const std::vector<PhaseSummary>& summaries) {
  const std::string operation = absl::StrCat("PutSummaries ", job_id);
  std::lock_guard<std::mutex> lock(mu_);
  return WriteToJob(db_, job_id, operation, [&] {
    return ReplaceSummaries(db_, job_id,
                            google::protobuf::RepeatedPtrField<PhaseSummary>(summaries.begin(), summaries.end()),
                            operation);
  });
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
    FTA_ASSIGN_OR_RETURN(std::vector<PhaseAggregate> aggregates, ReadRows(stmt, &JobPartFromRow<PhaseAggregate>));
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
    FTA_ASSIGN_OR_RETURN(std::vector<PhaseSummary> summaries, ReadRows(stmt, &JobPartFromRow<PhaseSummary>));
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
  FTA_ASSIGN_OR_RETURN(std::vector<RankPhaseResult> results, ReadRows(stmt, &JobPartFromRow<RankPhaseResult>));
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
  FTA_ASSIGN_OR_RETURN(Page<Job> page, ReadPage<Job>(db_, {kSelectJob, "", /*newest_first=*/true}, query, JobFromRow));
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
    FTA_ASSIGN_OR_RETURN(ids, ReadFirstColumn(stmt));
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
