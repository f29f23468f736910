// The sweep half of Store: sweeps, their runs (with the snapshot of what
// shaped each run) and their points. See schema.cc, migration 2.
#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "lib/core/status_macros.h"
#include "lib/store/rows.h"
#include "lib/store/sqlite_util.h"
#include "lib/store/store.h"

namespace fta::store {
namespace {

using fta::v1::Sweep;
using fta::v1::SweepPoint;
using fta::v1::SweepRun;

constexpr char kSweepCounter[] = "sweep";

// SQLite keeps NaN as NULL; a run that measured nothing reads back as 0.
double FiniteOrZero(double value) { return std::isfinite(value) ? value : 0; }

constexpr char kSelectSweep[] =
    "SELECT id, state, spec, created_unix_ms, finished_unix_ms, error, steps_total FROM sweeps ";

absl::StatusOr<Sweep> SweepFromRow(const Statement& row) {
  Sweep sweep;
  const std::string what = absl::StrCat("sweep ", row.ColumnText(0));
  FTA_RETURN_IF_ERROR(ReadFields(row, what, &sweep));
  FTA_ASSIGN_OR_RETURN(*sweep.mutable_spec(), FromJson<fta::v1::SweepSpec>(row.ColumnText(2), what));
  return sweep;
}

constexpr char kSelectRun[] =
    "SELECT step, transfer_size_bytes, block_size_bytes, fta_count, target, ranks, repetition, job_id, state, "
    "error, note, finished_unix_ms, write_mib, read_mib, backend, guest_template, cpu_model, cpu_count, "
    "memory_bytes, vfs, pf, ib_link_rate, engine, engine_version, kernel, config_hash, hostname "
    "FROM sweep_runs ";

absl::StatusOr<SweepRun> RunFromRow(const Statement& row) {
  SweepRun run;
  FTA_RETURN_IF_ERROR(ReadFields(row, "sweep run", &run));
  FTA_RETURN_IF_ERROR(ReadFields(row, "sweep run", run.mutable_snapshot()));
  run.set_write_mib(FiniteOrZero(run.write_mib()));
  run.set_read_mib(FiniteOrZero(run.read_mib()));
  for (absl::string_view vf : absl::StrSplit(row.ColumnText(19), ',', absl::SkipEmpty())) {
    run.mutable_snapshot()->add_vfs(std::string(vf));
  }
  return run;
}

constexpr char kSelectPoint[] =
    "SELECT step, phase, transfer_size_bytes, fta_count, target, repetition, bandwidth_mib, job_id, bytes, seconds, "
    "link_utilisation_pct FROM sweep_points ";

absl::StatusOr<SweepPoint> PointFromRow(const Statement& row) {
  SweepPoint point;
  FTA_RETURN_IF_ERROR(ReadFields(row, "sweep point", &point));
  point.set_bandwidth_mib(FiniteOrZero(point.bandwidth_mib()));
  point.set_seconds(FiniteOrZero(point.seconds()));
  // NULL (no link measured) reads as NaN; the API says -1.
  if (std::isnan(point.link_utilisation_pct())) point.set_link_utilisation_pct(-1);
  return point;
}

}  // namespace

absl::StatusOr<std::string> Store::NextSweepId() { return NextId(kSweepCounter); }

absl::Status Store::PutSweep(const Sweep& sweep) {
  if (sweep.id().empty()) return absl::InvalidArgumentError("PutSweep: the sweep has no id");
  const std::string what = absl::StrCat("sweep ", sweep.id());
  FTA_ASSIGN_OR_RETURN(std::string spec, MessageToJson(sweep.spec(), what));
  std::lock_guard<std::mutex> lock(mu_);
  FTA_ASSIGN_OR_RETURN(Statement stmt,
                       Statement::Prepare(db_, UpsertSql(kSelectSweep, "id"), absl::StrCat("PutSweep ", sweep.id())));
  FTA_RETURN_IF_ERROR(BindFields(stmt, what, sweep));
  stmt.BindText(":spec", spec);
  return stmt.Run();
}

absl::Status Store::PutSweepRun(const std::string& sweep_id, const SweepRun& run,
                                const std::vector<SweepPoint>& points) {
  const std::string operation = absl::StrCat("PutSweepRun ", sweep_id, " step ", run.step());
  std::lock_guard<std::mutex> lock(mu_);
  FTA_ASSIGN_OR_RETURN(Transaction txn, Transaction::Begin(db_, operation));
  {
    FTA_ASSIGN_OR_RETURN(Statement exists, Statement::Prepare(db_, "SELECT 1 FROM sweeps WHERE id = ?1", operation));
    exists.BindText(1, sweep_id);
    FTA_ASSIGN_OR_RETURN(bool row, exists.Step());
    if (!row) return absl::NotFoundError(absl::StrCat("sweep ", sweep_id, " not found"));
  }
  for (const char* sql : {"DELETE FROM sweep_points WHERE sweep_id = ?1 AND step = ?2",
                          "DELETE FROM sweep_runs WHERE sweep_id = ?1 AND step = ?2"}) {
    FTA_ASSIGN_OR_RETURN(Statement remove, Statement::Prepare(db_, sql, operation));
    remove.BindText(1, sweep_id).BindInt(2, run.step());
    FTA_RETURN_IF_ERROR(remove.Run());
  }
  FTA_ASSIGN_OR_RETURN(Statement insert, Statement::Prepare(db_, InsertSql(kSelectRun, "sweep_id"), operation));
  FTA_RETURN_IF_ERROR(BindFields(insert, operation, run));
  FTA_RETURN_IF_ERROR(BindFields(insert, operation, run.snapshot()));
  insert.BindText(":sweep_id", sweep_id).BindText(":vfs", absl::StrJoin(run.snapshot().vfs(), ","));
  FTA_RETURN_IF_ERROR(insert.Run());
  FTA_ASSIGN_OR_RETURN(Statement insert_point,
                       Statement::Prepare(db_, InsertSql(kSelectPoint, "sweep_id"), operation));
  for (const SweepPoint& point : points) {
    insert_point.Reset();
    FTA_RETURN_IF_ERROR(BindFields(insert_point, operation, point));
    // A point belongs to the run it is stored with.
    insert_point.BindText(":sweep_id", sweep_id).BindInt(":step", run.step());
    FTA_RETURN_IF_ERROR(insert_point.Run());
  }
  return txn.Commit();
}

absl::Status Store::LoadSweepRuns(Sweep& sweep) {
  const std::string operation = absl::StrCat("GetSweep ", sweep.id());
  FTA_ASSIGN_OR_RETURN(Statement runs,
                       Statement::Prepare(db_, absl::StrCat(kSelectRun, "WHERE sweep_id = ?1 ORDER BY step"), operation));
  runs.BindText(1, sweep.id());
  FTA_ASSIGN_OR_RETURN(std::vector<SweepRun> rows, ReadRows<SweepRun>(runs, RunFromRow));
  int done = 0;
  for (SweepRun& run : rows) {
    if (run.state() == fta::v1::SWEEP_RUN_STATE_COMPLETED) ++done;
    *sweep.add_runs() = std::move(run);
  }
  sweep.set_steps_done(done);
  return absl::OkStatus();
}

absl::StatusOr<Sweep> Store::GetSweep(const std::string& id) {
  const std::string operation = absl::StrCat("GetSweep ", id);
  std::lock_guard<std::mutex> lock(mu_);
  FTA_ASSIGN_OR_RETURN(Transaction txn, Transaction::BeginRead(db_, operation));
  FTA_ASSIGN_OR_RETURN(Statement stmt, Statement::Prepare(db_, absl::StrCat(kSelectSweep, "WHERE id = ?1"), operation));
  stmt.BindText(1, id);
  FTA_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return absl::NotFoundError(absl::StrCat("sweep ", id, " not found"));
  FTA_ASSIGN_OR_RETURN(Sweep sweep, SweepFromRow(stmt));
  FTA_RETURN_IF_ERROR(LoadSweepRuns(sweep));
  FTA_ASSIGN_OR_RETURN(
      Statement points,
      Statement::Prepare(db_, absl::StrCat(kSelectPoint, "WHERE sweep_id = ?1 ORDER BY step"), operation));
  points.BindText(1, id);
  FTA_ASSIGN_OR_RETURN(std::vector<SweepPoint> rows, ReadRows<SweepPoint>(points, PointFromRow));
  // Phases are stored by name; run order (write before read) is the enum's.
  std::stable_sort(rows.begin(), rows.end(), [](const SweepPoint& a, const SweepPoint& b) {
    return std::make_pair(a.step(), static_cast<int>(a.phase())) < std::make_pair(b.step(), static_cast<int>(b.phase()));
  });
  for (SweepPoint& point : rows) *sweep.add_points() = std::move(point);
  return sweep;
}

absl::StatusOr<Page<Sweep>> Store::ListSweeps(const PageQuery& query) {
  const std::string operation = "ListSweeps";
  std::lock_guard<std::mutex> lock(mu_);
  FTA_ASSIGN_OR_RETURN(Transaction txn, Transaction::BeginRead(db_, operation));
  FTA_ASSIGN_OR_RETURN(Page<Sweep> page,
                       ReadPage<Sweep>(db_, {kSelectSweep, "", /*newest_first=*/true}, query, SweepFromRow));
  for (Sweep& sweep : page.items) FTA_RETURN_IF_ERROR(LoadSweepRuns(sweep));
  return page;
}

absl::StatusOr<std::vector<std::string>> Store::InterruptRunningSweeps(const std::string& reason) {
  const std::string operation = "InterruptRunningSweeps";
  std::lock_guard<std::mutex> lock(mu_);
  FTA_ASSIGN_OR_RETURN(Transaction txn, Transaction::Begin(db_, operation));
  std::vector<std::string> ids;
  {
    FTA_ASSIGN_OR_RETURN(
        Statement select,
        Statement::Prepare(db_, "SELECT id FROM sweeps WHERE state = 'SWEEP_STATE_RUNNING' ORDER BY seq", operation));
    FTA_ASSIGN_OR_RETURN(ids, ReadFirstColumn(select));
  }
  FTA_ASSIGN_OR_RETURN(Statement update,
                       Statement::Prepare(db_,
                                          "UPDATE sweeps SET state = 'SWEEP_STATE_INTERRUPTED', error = ?1, "
                                          "finished_unix_ms = ?2 WHERE state = 'SWEEP_STATE_RUNNING'",
                                          operation));
  update.BindText(1, reason).BindInt(2, clock_->NowUnixMillis());
  FTA_RETURN_IF_ERROR(update.Run());
  FTA_RETURN_IF_ERROR(txn.Commit());
  return ids;
}

}  // namespace fta::store
