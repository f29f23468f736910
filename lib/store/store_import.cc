// Store::PutImportedJob: a job measured elsewhere (IOR output imported with
// `ftactl results import`) stored in one transaction, so a failure leaves
// nothing behind.
#include <sqlite3.h>

#include "absl/strings/str_cat.h"
#include "lib/core/status_macros.h"
#include "lib/store/rows.h"
#include "lib/store/sqlite_util.h"
#include "lib/store/store.h"

namespace fta::store {

absl::Status Store::PutImportedJob(const fta::v1::Job& job) {
  if (job.id().empty()) return absl::InvalidArgumentError("PutImportedJob: the job has no id");
  const std::string operation = absl::StrCat("PutImportedJob ", job.id());
  FTA_ASSIGN_OR_RETURN(std::string state, EnumName(job.state(), absl::StrCat("job ", job.id(), " state")));
  FTA_ASSIGN_OR_RETURN(std::string spec, SpecToJson(job.spec(), job.id()));
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
    FTA_ASSIGN_OR_RETURN(
        Statement stmt,
        Statement::Prepare(db_,
                           "INSERT INTO jobs (id, state, spec, created_unix_ms, finished_unix_ms, error, "
                           "transfer_size_bytes, block_size_bytes, engine, timestamp_source, source, "
                           "ior_version, ior_command_line) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                           operation));
    stmt.BindText(1, job.id())
        .BindText(2, state)
        .BindText(3, spec)
        .BindInt(4, job.created_unix_ms())
        .BindInt(5, job.finished_unix_ms())
        .BindText(6, job.error())
        .BindInt(7, job.transfer_size_bytes())
        .BindInt(8, job.block_size_bytes())
        .BindText(9, job.engine())
        .BindText(10, job.timestamp_source())
        .BindText(11, job.source())
        .BindText(12, job.ior_version())
        .BindText(13, job.ior_command_line());
    FTA_RETURN_IF_ERROR(stmt.Run());
  }
  {
    FTA_ASSIGN_OR_RETURN(
        Statement insert,
        Statement::Prepare(db_,
                           "INSERT INTO phase_aggregates (job_id, iteration, phase, bytes, total_seconds, "
                           "bandwidth_mib, bandwidth_mb, iops, open_seconds, xfer_seconds, close_seconds, "
                           "start_skew_seconds, ranks) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
                           operation));
    for (int i = 0; i < job.aggregates_size(); ++i) {
      const fta::v1::PhaseAggregate& a = job.aggregates(i);
      insert.Reset();
      insert.BindText(1, job.id())
          .BindInt(2, a.iteration())
          .BindText(3, aggregate_phases[i])
          .BindInt(4, a.bytes())
          .BindDouble(5, a.total_seconds())
          .BindDouble(6, a.bandwidth_mib())
          .BindDouble(7, a.bandwidth_mb())
          .BindDouble(8, a.iops())
          .BindDouble(9, a.open_seconds())
          .BindDouble(10, a.xfer_seconds())
          .BindDouble(11, a.close_seconds())
          .BindDouble(12, a.start_skew_seconds())
          .BindInt(13, a.ranks());
      FTA_RETURN_IF_ERROR(insert.Run());
    }
  }
  {
    FTA_ASSIGN_OR_RETURN(
        Statement insert,
        Statement::Prepare(db_,
                           "INSERT INTO phase_summaries (job_id, phase, max_mib, min_mib, mean_mib, "
                           "stddev_mib, mean_seconds, bytes_per_iteration, iterations) "
                           "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                           operation));
    for (int i = 0; i < job.summaries_size(); ++i) {
      const fta::v1::PhaseSummary& s = job.summaries(i);
      insert.Reset();
      insert.BindText(1, job.id())
          .BindText(2, summary_phases[i])
          .BindDouble(3, s.max_mib())
          .BindDouble(4, s.min_mib())
          .BindDouble(5, s.mean_mib())
          .BindDouble(6, s.stddev_mib())
          .BindDouble(7, s.mean_seconds())
          .BindInt(8, s.bytes_per_iteration())
          .BindInt(9, s.iterations());
      FTA_RETURN_IF_ERROR(insert.Run());
    }
  }
  return txn.Commit();
}

}  // namespace fta::store
