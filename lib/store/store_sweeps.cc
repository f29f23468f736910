// The sweep half of Store: sweeps, their runs (with the snapshot of what
// shaped each run) and their points. See schema.cc, migration 2.
#include <google/protobuf/util/json_util.h>
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

absl::StatusOr<std::string> SweepSpecToJson(const fta::v1::SweepSpec& spec, const std::string& id) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string json;
  auto status = google::protobuf::util::MessageToJsonString(spec, &json, options);
  if (!status.ok()) return absl::InternalError(absl::StrCat("sweep ", id, ": encoding spec: ", status.ToString()));
  return json;
}

absl::StatusOr<fta::v1::SweepSpec> SweepSpecFromJson(const std::string& json, const std::string& id) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  fta::v1::SweepSpec spec;
  auto status = google::protobuf::util::JsonStringToMessage(json, &spec, options);
  if (!status.ok()) {
    return absl::InternalError(absl::StrCat("sweep ", id, ": stored spec is not valid JSON: ", status.ToString()));
  }
  return spec;
}

constexpr char kSelectSweep[] =
    "SELECT id, state, spec, created_unix_ms, finished_unix_ms, error, steps_total FROM sweeps ";

absl::StatusOr<Sweep> SweepFromRow(const Statement& row) {
  Sweep sweep;
  sweep.set_id(row.ColumnText(0));
  FTA_ASSIGN_OR_RETURN(fta::v1::SweepState state,
                       EnumFromName<fta::v1::SweepState>(row.ColumnText(1), absl::StrCat("sweep ", sweep.id(), " state")));
  sweep.set_state(state);
  FTA_ASSIGN_OR_RETURN(*sweep.mutable_spec(), SweepSpecFromJson(row.ColumnText(2), sweep.id()));
  sweep.set_created_unix_ms(row.ColumnInt(3));
  sweep.set_finished_unix_ms(row.ColumnInt(4));
  sweep.set_error(row.ColumnText(5));
  sweep.set_steps_total(static_cast<int32_t>(row.ColumnInt(6)));
  return sweep;
}

constexpr char kSelectRun[] =
    "SELECT step, transfer_size_bytes, block_size_bytes, fta_count, target, ranks, repetition, job_id, state, "
    "error, note, finished_unix_ms, write_mib, read_mib, backend, guest_template, cpu_model, cpu_count, "
    "memory_bytes, vfs, pf, ib_link_rate, engine, engine_version, kernel, config_hash, hostname "
    "FROM sweep_runs ";

absl::StatusOr<SweepRun> RunFromRow(const Statement& row) {
  SweepRun run;
  run.set_step(static_cast<int32_t>(row.ColumnInt(0)));
  run.set_transfer_size_bytes(row.ColumnInt(1));
  run.set_block_size_bytes(row.ColumnInt(2));
  run.set_fta_count(static_cast<int32_t>(row.ColumnInt(3)));
  FTA_ASSIGN_OR_RETURN(fta::v1::SweepTarget target,
                       EnumFromName<fta::v1::SweepTarget>(row.ColumnText(4), "sweep run target"));
  run.set_target(target);
  run.set_ranks(static_cast<int32_t>(row.ColumnInt(5)));
  run.set_repetition(static_cast<int32_t>(row.ColumnInt(6)));
  run.set_job_id(row.ColumnText(7));
  FTA_ASSIGN_OR_RETURN(fta::v1::SweepRunState state,
                       EnumFromName<fta::v1::SweepRunState>(row.ColumnText(8), "sweep run state"));
  run.set_state(state);
  run.set_error(row.ColumnText(9));
  run.set_note(row.ColumnText(10));
  run.set_finished_unix_ms(row.ColumnInt(11));
  run.set_write_mib(FiniteOrZero(row.ColumnDouble(12)));
  run.set_read_mib(FiniteOrZero(row.ColumnDouble(13)));
  fta::v1::RunSnapshot* snapshot = run.mutable_snapshot();
  FTA_ASSIGN_OR_RETURN(fta::v1::Backend backend,
                       EnumFromName<fta::v1::Backend>(row.ColumnText(14), "sweep run backend"));
  snapshot->set_backend(backend);
  snapshot->set_guest_template(row.ColumnText(15));
  snapshot->set_cpu_model(row.ColumnText(16));
  snapshot->set_cpu_count(static_cast<int32_t>(row.ColumnInt(17)));
  snapshot->set_memory_bytes(row.ColumnInt(18));
  for (absl::string_view vf : absl::StrSplit(row.ColumnText(19), ',', absl::SkipEmpty())) {
    snapshot->add_vfs(std::string(vf));
  }
  snapshot->set_pf(row.ColumnText(20));
  snapshot->set_ib_link_rate(row.ColumnText(21));
  FTA_ASSIGN_OR_RETURN(fta::v1::Engine engine, EnumFromName<fta::v1::Engine>(row.ColumnText(22), "sweep run engine"));
  snapshot->set_engine(engine);
  snapshot->set_engine_version(row.ColumnText(23));
  snapshot->set_kernel(row.ColumnText(24));
  snapshot->set_config_hash(row.ColumnText(25));
  snapshot->set_hostname(row.ColumnText(26));
  return run;
}

constexpr char kSelectPoint[] =
    "SELECT step, phase, transfer_size_bytes, fta_count, target, repetition, bandwidth_mib, job_id, bytes, seconds, "
    "link_utilisation_pct FROM sweep_points ";

absl::StatusOr<SweepPoint> PointFromRow(const Statement& row) {
  SweepPoint point;
  point.set_step(static_cast<int32_t>(row.ColumnInt(0)));
  FTA_ASSIGN_OR_RETURN(fta::v1::Phase phase, EnumFromName<fta::v1::Phase>(row.ColumnText(1), "sweep point phase"));
  point.set_phase(phase);
  point.set_transfer_size_bytes(row.ColumnInt(2));
  point.set_fta_count(static_cast<int32_t>(row.ColumnInt(3)));
  FTA_ASSIGN_OR_RETURN(fta::v1::SweepTarget target,
                       EnumFromName<fta::v1::SweepTarget>(row.ColumnText(4), "sweep point target"));
  point.set_target(target);
  point.set_repetition(static_cast<int32_t>(row.ColumnInt(5)));
  point.set_bandwidth_mib(FiniteOrZero(row.ColumnDouble(6)));
  point.set_job_id(row.ColumnText(7));
  point.set_bytes(row.ColumnInt(8));
  point.set_seconds(FiniteOrZero(row.ColumnDouble(9)));
  const double link_pct = row.ColumnDouble(10);
  point.set_link_utilisation_pct(std::isnan(link_pct) ? -1 : link_pct);
  return point;
}

}  // namespace

absl::StatusOr<std::string> Store::NextSweepId() { return NextId(kSweepCounter); }

absl::Status Store::PutSweep(const Sweep& sweep) {
  if (sweep.id().empty()) return absl::InvalidArgumentError("PutSweep: the sweep has no id");
  const std::string operation = absl::StrCat("PutSweep ", sweep.id());
  FTA_ASSIGN_OR_RETURN(std::string state, EnumName(sweep.state(), absl::StrCat("sweep ", sweep.id(), " state")));
  FTA_ASSIGN_OR_RETURN(std::string spec, SweepSpecToJson(sweep.spec(), sweep.id()));
  std::lock_guard<std::mutex> lock(mu_);
  FTA_ASSIGN_OR_RETURN(
      Statement stmt,
      Statement::Prepare(db_,
                         "INSERT INTO sweeps (id, state, spec, created_unix_ms, finished_unix_ms, error, steps_total) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
                         "ON CONFLICT (id) DO UPDATE SET state = excluded.state, spec = excluded.spec, "
                         "created_unix_ms = excluded.created_unix_ms, finished_unix_ms = excluded.finished_unix_ms, "
                         "error = excluded.error, steps_total = excluded.steps_total",
                         operation));
  stmt.BindText(1, sweep.id())
      .BindText(2, state)
      .BindText(3, spec)
      .BindInt(4, sweep.created_unix_ms())
      .BindInt(5, sweep.finished_unix_ms())
      .BindText(6, sweep.error())
      .BindInt(7, sweep.steps_total());
  return stmt.Run();
}

absl::Status Store::PutSweepRun(const std::string& sweep_id, const SweepRun& run,
                                const std::vector<SweepPoint>& points) {
  const std::string operation = absl::StrCat("PutSweepRun ", sweep_id, " step ", run.step());
  FTA_ASSIGN_OR_RETURN(std::string target, EnumName(run.target(), absl::StrCat(operation, " target")));
  std::vector<std::pair<std::string, std::string>> point_names;  // phase, target
  for (const SweepPoint& point : points) {
    FTA_ASSIGN_OR_RETURN(std::string phase, EnumName(point.phase(), absl::StrCat(operation, " phase")));
    FTA_ASSIGN_OR_RETURN(std::string point_target, EnumName(point.target(), absl::StrCat(operation, " target")));
    point_names.emplace_back(std::move(phase), std::move(point_target));
  }
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
  const fta::v1::RunSnapshot& snapshot = run.snapshot();
  FTA_ASSIGN_OR_RETURN(
      Statement insert,
      Statement::Prepare(
          db_,
          "INSERT INTO sweep_runs (sweep_id, step, transfer_size_bytes, block_size_bytes, fta_count, target, ranks, "
          "repetition, job_id, state, error, note, finished_unix_ms, write_mib, read_mib, backend, guest_template, "
          "cpu_model, cpu_count, memory_bytes, vfs, pf, ib_link_rate, engine, engine_version, kernel, config_hash, "
          "hostname) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, "
          "?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28)",
          operation));
  insert.BindText(1, sweep_id)
      .BindInt(2, run.step())
      .BindInt(3, run.transfer_size_bytes())
      .BindInt(4, run.block_size_bytes())
      .BindInt(5, run.fta_count())
      .BindText(6, target)
      .BindInt(7, run.ranks())
      .BindInt(8, run.repetition())
      .BindText(9, run.job_id())
      .BindText(10, fta::v1::SweepRunState_Name(run.state()))
      .BindText(11, run.error())
      .BindText(12, run.note())
      .BindInt(13, run.finished_unix_ms())
      .BindDouble(14, run.write_mib())
      .BindDouble(15, run.read_mib())
      .BindText(16, fta::v1::Backend_Name(snapshot.backend()))
      .BindText(17, snapshot.guest_template())
      .BindText(18, snapshot.cpu_model())
      .BindInt(19, snapshot.cpu_count())
      .BindInt(20, snapshot.memory_bytes())
      .BindText(21, absl::StrJoin(snapshot.vfs(), ","))
      .BindText(22, snapshot.pf())
      .BindText(23, snapshot.ib_link_rate())
      .BindText(24, fta::v1::Engine_Name(snapshot.engine()))
      .BindText(25, snapshot.engine_version())
      .BindText(26, snapshot.kernel())
      .BindText(27, snapshot.config_hash())
      .BindText(28, snapshot.hostname());
  FTA_RETURN_IF_ERROR(insert.Run());
  FTA_ASSIGN_OR_RETURN(
      Statement insert_point,
      Statement::Prepare(db_,
                         "INSERT INTO sweep_points (sweep_id, step, phase, transfer_size_bytes, fta_count, target, "
                         "repetition, bandwidth_mib, job_id, bytes, seconds, link_utilisation_pct) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                         operation));
  for (size_t i = 0; i < points.size(); ++i) {
    const SweepPoint& point = points[i];
    insert_point.Reset();
    insert_point.BindText(1, sweep_id)
        .BindInt(2, run.step())
        .BindText(3, point_names[i].first)
        .BindInt(4, point.transfer_size_bytes())
        .BindInt(5, point.fta_count())
        .BindText(6, point_names[i].second)
        .BindInt(7, point.repetition())
        .BindDouble(8, point.bandwidth_mib())
        .BindText(9, point.job_id())
        .BindInt(10, point.bytes())
        .BindDouble(11, point.seconds())
        .BindDouble(12, point.link_utilisation_pct());
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
  FTA_RETURN_IF_ERROR(CheckPageAfter(db_, "sweeps", query.after));
  FTA_ASSIGN_OR_RETURN(
      Statement stmt,
      Statement::Prepare(db_,
                         absl::StrCat(kSelectSweep, "WHERE ", AfterRowCondition("sweeps", 1, /*newest_first=*/true),
                                      " ORDER BY created_unix_ms DESC, seq DESC LIMIT ?2"),
                         operation));
  stmt.BindText(1, query.after).BindInt(2, query.size + 1);
  FTA_ASSIGN_OR_RETURN(std::vector<Sweep> sweeps, ReadRows<Sweep>(stmt, SweepFromRow));
  Page<Sweep> page = ToPage(std::move(sweeps), query.size);
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
    for (;;) {
      FTA_ASSIGN_OR_RETURN(bool row, select.Step());
      if (!row) break;
      ids.push_back(select.ColumnText(0));
    }
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
