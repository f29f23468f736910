// Store::PutImportedJobs: jobs measured elsewhere (IOR output imported with
// `ftactl job import`, one job per IOR test of a file, or several hosts'
// jobs merged by `ftactl results merge --store`) stored in one
// transaction, so a failure leaves nothing behind.
#include <sqlite3.h>

#include "absl/strings/str_cat.h"
#include "lib/core/status_macros.h"
#include "lib/store/job_writes.h"
#include "lib/store/rows.h"
#include "lib/store/sqlite_util.h"
#include "lib/store/store.h"

namespace fta::store {

absl::Status Store::PutImportedJobs(const std::vector<fta::v1::Job>& jobs) {
  std::lock_guard<std::mutex> lock(mu_);
  FTA_ASSIGN_OR_RETURN(Transaction txn, Transaction::Begin(db_, "PutImportedJobs"));
  for (const fta::v1::Job& job : jobs) FTA_RETURN_IF_ERROR(InsertImportedJob(job));
  return txn.Commit();
}

absl::Status Store::PutImportedJob(const fta::v1::Job& job) { return PutImportedJobs({job}); }

absl::Status Store::InsertImportedJob(const fta::v1::Job& job) {
  if (job.id().empty()) return absl::InvalidArgumentError("PutImportedJob: the job has no id");
  const std::string operation = absl::StrCat("PutImportedJob ", job.id());
  FTA_ASSIGN_OR_RETURN(std::string state, EnumName(job.state(), absl::StrCat("job ", job.id(), " state")));
  FTA_ASSIGN_OR_RETURN(std::string spec, MessageToJson(job.spec(), absl::StrCat("job ", job.id())));
  if (CheckJobExists(job.id(), operation).ok()) {
    return absl::AlreadyExistsError(absl::StrCat("job ", job.id(), " already exists"));
  }
  {
    FTA_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(db_, kInsertJob, operation));
    BindJob(stmt, job, state, spec);
    FTA_RETURN_IF_ERROR(stmt.Run());
  }
  {
    FTA_ASSIGN_OR_RETURN(
        Statement insert,
        Statement::Prepare(db_,
                           absl::StrCat("INSERT INTO phase_aggregates (", kAggregateColumns, ") VALUES (",
                                        kAggregateParameters, ")"),
                           operation));
    for (const fta::v1::PhaseAggregate& a : job.aggregates()) {
      FTA_ASSIGN_OR_RETURN(std::string phase, EnumName(a.phase(), absl::StrCat(operation, " phase")));
      insert.Reset();
      BindAggregate(insert, job.id(), phase, a);
      FTA_RETURN_IF_ERROR(insert.Run());
    }
  }
  {
    FTA_ASSIGN_OR_RETURN(Statement insert, Statement::Prepare(db_, kInsertSummary, operation));
    for (const fta::v1::PhaseSummary& s : job.summaries()) {
      FTA_ASSIGN_OR_RETURN(std::string phase, EnumName(s.phase(), absl::StrCat(operation, " phase")));
      insert.Reset();
      BindSummary(insert, job.id(), phase, s);
      FTA_RETURN_IF_ERROR(insert.Run());
    }
  }
  {
    FTA_ASSIGN_OR_RETURN(Statement insert, Statement::Prepare(db_, kInsertJobAgent, operation));
    for (int i = 0; i < job.agents_size(); ++i) {
      insert.Reset();
      BindJobAgent(insert, job.id(), i, job.agents(i));
      FTA_RETURN_IF_ERROR(insert.Run());
    }
  }
  FTA_ASSIGN_OR_RETURN(Statement insert, Statement::Prepare(db_, kInsertRankResult, operation));
  for (const fta::v1::RankPhaseResult& r : job.rank_results()) {
    FTA_ASSIGN_OR_RETURN(std::string phase, EnumName(r.phase(), absl::StrCat(operation, " rank phase")));
    insert.Reset();
    BindRankResult(insert, job.id(), phase, r);
    FTA_RETURN_IF_ERROR(insert.Run());
  }
  return absl::OkStatus();
}

}  // namespace fta::store
