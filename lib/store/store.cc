#include "lib/store/store.h"

#include <sqlite3.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "lib/core/status_macros.h"
#include "lib/store/rows.h"
#include "lib/store/schema.h"
#include "lib/store/sqlite_util.h"

namespace fta::store {
namespace {

using fta::v1::Fta;

// Long enough to ride out another process's short write (an operator's
// sqlite3 session, a backup), short enough that a stuck lock surfaces as
// UNAVAILABLE instead of hanging an RPC.
constexpr int kBusyTimeoutMs = 5000;

constexpr char kFtaCounter[] = "fta";
constexpr char kJobCounter[] = "job";

const fta::Clock* DefaultClock() {
  static const fta::RealClock* const clock = new fta::RealClock();
  return clock;
}

}  // namespace

// ---- lifecycle --------------------------------------------------------------

Store::Store(sqlite3* db, std::string path, const fta::Clock* clock)
    : db_(db), path_(std::move(path)), clock_(clock) {}

Store::~Store() { sqlite3_close_v2(db_); }

absl::StatusOr<std::unique_ptr<Store>> Store::Open(const std::string& path) {
  return Open(path, DefaultClock());
}

absl::StatusOr<std::unique_ptr<Store>> Store::Open(const std::string& path,
                                                   const fta::Clock* clock) {
  sqlite3* db = nullptr;
  // NOMUTEX: the Store's own mutex already serialises the connection.
  const int rc = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    absl::Status status = SqliteError(db, rc, absl::StrCat("opening database ", path));
    sqlite3_close_v2(db);  // SQLite allocates a handle even on failure.
    return status;
  }
  // From here the Store owns the handle, so every early return closes it.
  std::unique_ptr<Store> store(new Store(db, path, clock));
  FTA_RETURN_IF_ERROR(store->Migrate());
  return store;
}

absl::Status Store::Migrate() {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string prefix = absl::StrCat("opening database ", path_, ": ");
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, kBusyTimeoutMs);
  {
    // journal_mode reports the mode it ended up in; a filesystem without
    // shared-memory support silently stays in "delete", which we refuse
    // rather than run with different durability and locking than designed.
    FTA_ASSIGN_OR_RETURN(Statement stmt,
                         Statement::Prepare(db_, "PRAGMA journal_mode = WAL",
                                            absl::StrCat(prefix, "setting journal_mode=WAL")));
    FTA_ASSIGN_OR_RETURN(bool row, stmt.Step());
    const std::string mode = row ? stmt.ColumnText(0) : "";
    if (mode != "wal") {
      return absl::FailedPreconditionError(
          absl::StrCat(prefix, "could not enable WAL journal mode (got '", mode, "')"));
    }
  }
  // NORMAL is durable against process crashes in WAL mode and only risks the
  // last transactions on power loss, without an fsync per commit.
  FTA_RETURN_IF_ERROR(
      Exec(db_, "PRAGMA synchronous = NORMAL", absl::StrCat(prefix, "setting synchronous")));
  FTA_RETURN_IF_ERROR(
      Exec(db_, "PRAGMA foreign_keys = ON", absl::StrCat(prefix, "enabling foreign keys")));
  return MigrateToLatest(db_, path_);
}

int Store::SchemaVersion() {
  std::lock_guard<std::mutex> lock(mu_);
  absl::StatusOr<int> version = ReadSchemaVersion(db_);
  return version.ok() ? *version : -1;
}

int Store::LatestSchemaVersion() { return fta::store::LatestSchemaVersion(); }

absl::StatusOr<std::string> Store::NextId(const std::string& counter) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string operation = absl::StrCat("allocating the next ", counter, " id");
  FTA_ASSIGN_OR_RETURN(
      Statement stmt,
      Statement::Prepare(db_,
                         "INSERT INTO counters (name, value) VALUES (?1, 1) "
                         "ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value",
                         operation));
  stmt.BindText(1, counter);
  FTA_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return absl::InternalError(absl::StrCat(operation, ": no value returned"));
  const int64_t value = stmt.ColumnInt(0);
  // Step to the end: in autocommit mode the commit (and a possible BUSY)
  // happens when the statement completes.
  FTA_RETURN_IF_ERROR(stmt.Run());
  return absl::StrCat(counter, "-", value);
}

// ---- FTAs -------------------------------------------------------------------

absl::StatusOr<std::string> Store::NextFtaId() { return NextId(kFtaCounter); }

absl::Status Store::PutFta(const Fta& fta) {
  std::lock_guard<std::mutex> lock(mu_);
  return PutFtaLocked(fta);
}

absl::Status Store::PutFtaLocked(const Fta& fta) {
  if (fta.id().empty()) return absl::InvalidArgumentError("PutFta: the FTA has no id");
  FTA_ASSIGN_OR_RETURN(Statement stmt,
                       Statement::Prepare(db_, UpsertSql(kSelectFta, "id"), absl::StrCat("PutFta ", fta.id())));
  FTA_RETURN_IF_ERROR(BindFields(stmt, absl::StrCat("fta ", fta.id()), fta));
  return stmt.Run();
}

absl::StatusOr<Fta> Store::GetFta(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  FTA_ASSIGN_OR_RETURN(Statement stmt,
                       Statement::Prepare(db_, absl::StrCat(kSelectFta, " WHERE id = ?1"),
                                          absl::StrCat("GetFta ", id)));
  stmt.BindText(1, id);
  FTA_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return absl::NotFoundError(absl::StrCat("fta ", id, " not found"));
  return FtaFromRow(stmt);
}

absl::StatusOr<std::vector<Fta>> Store::ListFtas(bool include_released) {
  std::lock_guard<std::mutex> lock(mu_);
  FTA_ASSIGN_OR_RETURN(
      Statement stmt,
      Statement::Prepare(
          db_, absl::StrCat(kSelectFta, " WHERE ?1 OR state <> ?2 ORDER BY created_unix_ms, seq"),
          "ListFtas"));
  stmt.BindInt(1, include_released ? 1 : 0)
      .BindText(2, fta::v1::FtaState_Name(fta::v1::FTA_STATE_RELEASED));
  return ReadRows<Fta>(stmt, FtaFromRow);
}

absl::StatusOr<Page<Fta>> Store::ListFtas(bool include_released, const PageQuery& query) {
  std::lock_guard<std::mutex> lock(mu_);
  FTA_ASSIGN_OR_RETURN(Transaction txn, Transaction::BeginRead(db_, "ListFtas"));
  return ReadPage<Fta>(db_, {kSelectFta, ":include_released OR state <> :released"}, query, FtaFromRow,
                       [&](Statement& stmt) {
                         stmt.BindInt(":include_released", include_released ? 1 : 0)
                             .BindText(":released", fta::v1::FtaState_Name(fta::v1::FTA_STATE_RELEASED));
                       });
}

absl::StatusOr<std::string> Store::NextJobId() { return NextId(kJobCounter); }

}  // namespace fta::store
