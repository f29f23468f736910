// Cleanup intents (the files of unfinished jobs), retention pruning, and the
// job counts the metrics endpoint shows.
#include <sqlite3.h>

#include "absl/strings/str_cat.h"
#include "lib/core/status_macros.h"
#include "lib/store/sqlite_util.h"
#include "lib/store/store.h"

namespace fta::store {

absl::Status Store::PutCleanupIntent(const CleanupIntent& intent) {
  const std::string operation = absl::StrCat("PutCleanupIntent ", intent.job_id);
  std::lock_guard<std::mutex> lock(mu_);
  FTA_RETURN_IF_ERROR(CheckJobExists(intent.job_id, operation));
  FTA_ASSIGN_OR_RETURN(Statement stmt,
                       Statement::Prepare(db_,
                                          "INSERT OR REPLACE INTO job_cleanups (job_id, directory, file_name, "
                                          "unique_dir, total_ranks, created_unix_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                                          operation));
  stmt.BindText(1, intent.job_id)
      .BindText(2, intent.directory)
      .BindText(3, intent.file_name)
      .BindInt(4, intent.unique_dir ? 1 : 0)
      .BindInt(5, intent.total_ranks)
      .BindInt(6, clock_->NowUnixMillis());
  return stmt.Run();
}

absl::Status Store::DeleteCleanupIntent(const std::string& job_id) {
  const std::string operation = absl::StrCat("DeleteCleanupIntent ", job_id);
  std::lock_guard<std::mutex> lock(mu_);
  FTA_ASSIGN_OR_RETURN(Statement stmt,
                       Statement::Prepare(db_, "DELETE FROM job_cleanups WHERE job_id = ?1", operation));
  stmt.BindText(1, job_id);
  return stmt.Run();
}

absl::StatusOr<std::vector<Store::CleanupIntent>> Store::ListCleanupIntents() {
  std::lock_guard<std::mutex> lock(mu_);
  FTA_ASSIGN_OR_RETURN(Statement stmt,
                       Statement::Prepare(db_,
                                          "SELECT job_id, directory, file_name, unique_dir, total_ranks "
                                          "FROM job_cleanups ORDER BY created_unix_ms, job_id",
                                          "ListCleanupIntents"));
  std::vector<CleanupIntent> intents;
  for (;;) {
    FTA_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    intents.push_back(CleanupIntent{stmt.ColumnText(0), stmt.ColumnText(1), stmt.ColumnText(2),
                                    stmt.ColumnInt(3) != 0, static_cast<int>(stmt.ColumnInt(4))});
  }
  return intents;
}

absl::StatusOr<Store::Pruned> Store::PruneBefore(int64_t cutoff_unix_ms) {
  const std::string operation = "PruneBefore";
  std::lock_guard<std::mutex> lock(mu_);
  FTA_ASSIGN_OR_RETURN(Transaction txn, Transaction::Begin(db_, operation));
  Pruned pruned;
  {
    // Child rows go by ON DELETE CASCADE.
    FTA_ASSIGN_OR_RETURN(Statement stmt,
                         Statement::Prepare(db_,
                                            "DELETE FROM jobs WHERE state NOT IN (?1, ?2) AND finished_unix_ms > 0 "
                                            "AND finished_unix_ms < ?3",
                                            operation));
    stmt.BindText(1, fta::v1::JobState_Name(fta::v1::JOB_STATE_PENDING))
        .BindText(2, fta::v1::JobState_Name(fta::v1::JOB_STATE_RUNNING))
        .BindInt(3, cutoff_unix_ms);
    FTA_RETURN_IF_ERROR(stmt.Run());
    pruned.jobs = sqlite3_changes(db_);
  }
  {
    FTA_ASSIGN_OR_RETURN(
        Statement stmt,
        Statement::Prepare(db_,
                           "DELETE FROM ftas WHERE state = ?1 AND MAX(created_unix_ms, connected_unix_ms, "
                           "last_heartbeat_unix_ms) < ?2 AND id NOT IN (SELECT fta_id FROM vf_assignments)",
                           operation));
    stmt.BindText(1, fta::v1::FtaState_Name(fta::v1::FTA_STATE_RELEASED)).BindInt(2, cutoff_unix_ms);
    FTA_RETURN_IF_ERROR(stmt.Run());
    pruned.ftas = sqlite3_changes(db_);
  }
  FTA_RETURN_IF_ERROR(txn.Commit());
  return pruned;
}

absl::StatusOr<std::map<std::string, int64_t>> Store::CountJobsByState() {
  std::lock_guard<std::mutex> lock(mu_);
  FTA_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(db_, "SELECT state, COUNT(*) FROM jobs GROUP BY state",
                                                          "CountJobsByState"));
  std::map<std::string, int64_t> counts;
  for (;;) {
    FTA_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    counts[stmt.ColumnText(0)] = stmt.ColumnInt(1);
  }
  return counts;
}

}  // namespace fta::store
