// Store::PutImportedJob: a job measured elsewhere (IOR output imported with
// `ftactl results import`) stored in one transaction, so a failure leaves
// nothing behind.
#include <sqlite3.h>

#include "absl/strings/str_cat.h"
#include "lib/core/status_macros.h"
#include "lib/store/job_writes.h"
#include "lib/store/rows.h"
#include "lib/store/sqlite_util.h"
#include "lib/store/store.h"

namespace fta::store {

absl::Status Store::PutImportedJob(const fta::v1::Job& job) {
  if (job.id().empty()) return absl::InvalidArgumentError("PutImportedJob: the job has no id");
  const std::string operation = absl::StrCat("PutImportedJob ", job.id());
  FTA_ASSIGN_OR_RETURN(std::string state, EnumName(job.state(), absl::StrCat("job ", job.id(), " state")));
  FTA_ASSIGN_OR_RETURN(std::string spec, MessageToJson(job.spec(), absl::StrCat("job ", job.id())));
  std::vector<std::string> aggregate_phases;
  for (const fta::v1::PhaseAggregate& a : job.aggregates()) {
    FTA_ASSIGN_OR_RETURN(std::string phase, EnumName(a.phase(), absl::StrCat(operation, " phase")));
    aggregate_phases.push_back(std::move(phase));
  }
  std::vector<std::string> summary_phases;
  for (const fta::v1::PhaseSummary& s : job.summaries()) {
    FTA_ASSIGN_OR_RETURN(std::string phase, EnumName(s.phase(), absl::StrCat(operation, " phase")));
    summary_phases.push_back(std::move(phase));
  }

  std::lock_guard<std::mutex> lock(mu_);
  FTA_ASSIGN_OR_RETURN(Transaction txn, Transaction::Begin(db_, operation));
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
    for (int i = 0; i < job.aggregates_size(); ++i) {
      insert.Reset();
      BindAggregate(insert, job.id(), aggregate_phases[i], job.aggregates(i));
      FTA_RETURN_IF_ERROR(insert.Run());
    }
  }
  {
    FTA_ASSIGN_OR_RETURN(Statement insert, Statement::Prepare(db_, kInsertSummary, operation));
    for (int i = 0; i < job.summaries_size(); ++i) {
      insert.Reset();
      BindSummary(insert, job.id(), summary_phases[i], job.summaries(i));
      FTA_RETURN_IF_ERROR(insert.Run());
    }
  }
  return txn.Commit();
}

}  // namespace fta::store
