// Store::PutImportedJobs: jobs measured elsewhere (IOR output imported with
// `ftactl job import`, one job per IOR test of a file, or several hosts'
// jobs merged by `ftactl results merge --store`) stored in one
// transaction, so a failure leaves nothing behind.
#include <sqlite3.h>

#include "absl/strings/str_cat.h"
#include "lib/core/status_macros.h"
#include "lib/store/job_writes.h"
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
  if (CheckJobExists(job.id(), operation).ok()) {
    return absl::AlreadyExistsError(absl::StrCat("job ", job.id(), " already exists"));
  }
  FTA_RETURN_IF_ERROR(WriteJobRow(db_, job, /*upsert=*/false, operation));
  for (const fta::v1::PhaseAggregate& aggregate : job.aggregates()) {
    FTA_RETURN_IF_ERROR(WriteAggregate(db_, job.id(), aggregate, /*replace=*/false, operation));
  }
  FTA_RETURN_IF_ERROR(ReplaceSummaries(db_, job.id(), job.summaries(), operation));
  FTA_RETURN_IF_ERROR(ReplaceJobAgents(db_, job, operation));
  return InsertRankResults(db_, job.id(), job.rank_results(), operation);
}

}  // namespace fta::store
