// Thin RAII wrappers over the SQLite C API, used only inside lib/store.
//
// They exist so the queries in store.cc read as SQL plus bound values, never
// leak a statement on an early return, and turn every SQLite failure into an
// absl::Status that names what the store was doing:
//
//   FTA_ASSIGN_OR_RETURN(Statement stmt,
//                        Statement::Prepare(db, "SELECT state FROM jobs WHERE id = ?", "GetJob
//                        job-3"));
//   stmt.BindText(1, id);
//   FTA_ASSIGN_OR_RETURN(bool row, stmt.Step());
//
// Not thread-safe; the Store serialises access to its connection.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

struct sqlite3;
struct sqlite3_stmt;

namespace fta::store {

// `rc` is an SQLite result code; the message carries `operation`,
// sqlite3_errmsg and the extended code. SQLITE_BUSY/SQLITE_LOCKED become
// UNAVAILABLE (another process held the lock past busy_timeout: retryable),
// everything else INTERNAL.
absl::Status SqliteError(sqlite3* db, int rc, absl::string_view operation);

class Statement {
 public:
  static absl::StatusOr<Statement> Prepare(sqlite3* db, absl::string_view sql,
                                           absl::string_view operation);
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Parameters are 1-based, as in SQLite. A bind failure (only possible on a
  // programming error such as a bad index) is remembered and reported by the
  // next Step()/Run(), so call sites need not check every bind.
  Statement& BindInt(int index, int64_t value);
  // NaN is bound as NULL (SQLite would do so anyway); ColumnDouble maps NULL
  // back to NaN so a NaN bandwidth survives a round trip.
  Statement& BindDouble(int index, double value);
  Statement& BindText(int index, absl::string_view value);
  // The same by parameter name (":job_id"); a name the SQL does not hold is
  // a bind failure like a bad index.
  Statement& BindInt(absl::string_view name, int64_t value) { return BindInt(ParameterIndex(name), value); }
  Statement& BindDouble(absl::string_view name, double value) { return BindDouble(ParameterIndex(name), value); }
  Statement& BindText(absl::string_view name, absl::string_view value) { return BindText(ParameterIndex(name), value); }
  // Parameters are numbered 1..ParameterCount(); ParameterName is "" for a
  // nameless one ("?" or "?3") and includes the prefix (":job_id").
  int ParameterCount() const;
  std::string ParameterName(int index) const;

  // True when a row is available, false when the statement is done.
  absl::StatusOr<bool> Step();
  // Steps a statement that returns no rows (INSERT/UPDATE/DELETE/DDL).
  absl::Status Run();
  // Makes the statement reusable with new bindings.
  void Reset();

  int64_t ColumnInt(int column) const;
  double ColumnDouble(int column) const;
  std::string ColumnText(int column) const;
  int ColumnCount() const;
  // The column's name in the result: the AS name when there is one.
  std::string ColumnName(int column) const;

 private:
  Statement(sqlite3* db, sqlite3_stmt* stmt, std::string operation);
  void NoteBindResult(int rc);
  int ParameterIndex(absl::string_view name) const;

  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  std::string operation_;
  absl::Status bind_status_;
};

// BEGIN IMMEDIATE ... COMMIT; rolls back when destroyed uncommitted, so every
// early error return leaves the database as it was.
//
// IMMEDIATE takes the write lock up front: a deferred transaction that reads
// first and then writes can fail with SQLITE_BUSY on the upgrade without the
// busy handler ever being consulted, while waiting for the lock at BEGIN is
// covered by busy_timeout.
class Transaction {
 public:
  static absl::StatusOr<Transaction> Begin(sqlite3* db, absl::string_view operation);
  // A deferred (read) transaction: several SELECTs see one snapshot even if
  // another process commits in between. Just let it go out of scope.
  static absl::StatusOr<Transaction> BeginRead(sqlite3* db, absl::string_view operation);
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();

  absl::Status Commit();

 private:
  Transaction(sqlite3* db, std::string operation);

  sqlite3* db_ = nullptr;
  std::string operation_;
  bool open_ = false;
};

// Runs SQL that binds no values (PRAGMAs, migrations' DDL, BEGIN/COMMIT).
absl::Status Exec(sqlite3* db, const std::string& sql, absl::string_view operation);

}  // namespace fta::store
