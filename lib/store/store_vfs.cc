// The VF half of Store: which FTA holds which VF (vf_assignments), written
// in the FTA row's own transaction so a crash never separates the two.
#include <sqlite3.h>

#include "absl/strings/str_cat.h"
#include "lib/core/status_macros.h"
#include "lib/store/rows.h"
#include "lib/store/sqlite_util.h"
#include "lib/store/store.h"

namespace fta::store {
namespace {

// RELEASED and FAILED FTAs give their VF back (the process is gone).
bool HoldsVf(const fta::v1::Fta& fta) {
  return !fta.vf().empty() && fta.state() != fta::v1::FTA_STATE_RELEASED &&
         fta.state() != fta::v1::FTA_STATE_FAILED;
}

}  // namespace

absl::Status Store::PutFtaWithVf(const fta::v1::Fta& fta) {
  const std::string operation = absl::StrCat("PutFtaWithVf ", fta.id());
  std::lock_guard<std::mutex> lock(mu_);
  FTA_ASSIGN_OR_RETURN(Transaction txn, Transaction::Begin(db_, operation));
  FTA_RETURN_IF_ERROR(PutFtaLocked(fta));
  if (HoldsVf(fta)) {
    {
      FTA_ASSIGN_OR_RETURN(
          Statement holder,
          Statement::Prepare(db_, "SELECT fta_id FROM vf_assignments WHERE vf = ?1", operation));
      holder.BindText(1, fta.vf());
      FTA_ASSIGN_OR_RETURN(bool row, holder.Step());
      if (row && holder.ColumnText(0) != fta.id()) {
        return absl::FailedPreconditionError(absl::StrCat("vf: ", fta.vf(), " is already assigned to ",
                                                          holder.ColumnText(0), ", cannot give it to ",
                                                          fta.id()));
      }
    }
    {
      FTA_ASSIGN_OR_RETURN(
          Statement drop,
          Statement::Prepare(db_, "DELETE FROM vf_assignments WHERE fta_id = ?1 AND vf <> ?2", operation));
      drop.BindText(1, fta.id()).BindText(2, fta.vf());
      FTA_RETURN_IF_ERROR(drop.Run());
    }
    FTA_ASSIGN_OR_RETURN(Statement insert,
                         Statement::Prepare(db_,
                                            "INSERT INTO vf_assignments (vf, fta_id, assigned_unix_ms) "
                                            "VALUES (?1, ?2, ?3) ON CONFLICT (vf) DO NOTHING",
                                            operation));
    insert.BindText(1, fta.vf()).BindText(2, fta.id()).BindInt(3, clock_->NowUnixMillis());
    FTA_RETURN_IF_ERROR(insert.Run());
  } else {
    FTA_ASSIGN_OR_RETURN(Statement drop,
                         Statement::Prepare(db_, "DELETE FROM vf_assignments WHERE fta_id = ?1", operation));
    drop.BindText(1, fta.id());
    FTA_RETURN_IF_ERROR(drop.Run());
  }
  return txn.Commit();
}

absl::StatusOr<std::vector<Store::VfAssignment>> Store::ListVfAssignments() {
  std::lock_guard<std::mutex> lock(mu_);
  FTA_ASSIGN_OR_RETURN(
      Statement stmt,
      Statement::Prepare(db_, "SELECT vf, fta_id, assigned_unix_ms FROM vf_assignments ORDER BY vf",
                         "ListVfAssignments"));
  std::vector<VfAssignment> assignments;
  for (;;) {
    FTA_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    assignments.push_back(VfAssignment{stmt.ColumnText(0), stmt.ColumnText(1), stmt.ColumnInt(2)});
  }
  return assignments;
}

absl::Status Store::DeleteVfAssignment(const std::string& vf) {
  std::lock_guard<std::mutex> lock(mu_);
  FTA_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(db_, "DELETE FROM vf_assignments WHERE vf = ?1",
                                                          absl::StrCat("DeleteVfAssignment ", vf)));
  stmt.BindText(1, vf);
  return stmt.Run();
}

}  // namespace fta::store
