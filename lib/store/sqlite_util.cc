#include "lib/store/sqlite_util.h"

#include <sqlite3.h>

#include <cmath>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"

namespace fta::store {
namespace {

absl::Status StatusForCode(int rc, absl::string_view operation, absl::string_view detail) {
  std::string message = absl::StrCat(operation, ": ", detail, " (sqlite code ", rc, ")");
  const int primary = rc & 0xff;
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
    return absl::UnavailableError(message);
  }
  return absl::InternalError(message);
}

}  // namespace

absl::Status SqliteError(sqlite3* db, int rc, absl::string_view operation) {
  // sqlite3_errmsg describes the most recent failing call on this connection,
  // which is the one that produced `rc`; without a handle only the generic
  // text for the code is available.
  return StatusForCode(rc, operation, db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
}

absl::Status Exec(sqlite3* db, const std::string& sql, absl::string_view operation) {
  char* error = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  if (rc == SQLITE_OK) return absl::OkStatus();
  // sqlite3_exec's own message is the precise one (errmsg may already have
  // been reset by its internal finalize).
  std::string detail = error != nullptr ? error : sqlite3_errstr(rc);
  sqlite3_free(error);
  return StatusForCode(rc, operation, detail);
}

// ---- Statement ----------------------------------------------------------

Statement::Statement(sqlite3* db, sqlite3_stmt* stmt, std::string operation)
    : db_(db), stmt_(stmt), operation_(std::move(operation)) {}

absl::StatusOr<Statement> Statement::Prepare(sqlite3* db, absl::string_view sql,
                                             absl::string_view operation) {
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) {
    absl::Status status = SqliteError(db, rc, operation);
    sqlite3_finalize(stmt);
    return status;
  }
  return Statement(db, stmt, std::string(operation));
}

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_),
      stmt_(std::exchange(other.stmt_, nullptr)),
      operation_(std::move(other.operation_)),
      bind_status_(std::move(other.bind_status_)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    db_ = other.db_;
    stmt_ = std::exchange(other.stmt_, nullptr);
    operation_ = std::move(other.operation_);
    bind_status_ = std::move(other.bind_status_);
  }
  return *this;
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

void Statement::NoteBindResult(int rc) {
  if (rc != SQLITE_OK && bind_status_.ok()) {
    bind_status_ = SqliteError(db_, rc, absl::StrCat(operation_, " (binding a value)"));
  }
}

Statement& Statement::BindInt(int index, int64_t value) {
  NoteBindResult(sqlite3_bind_int64(stmt_, index, value));
  return *this;
}

Statement& Statement::BindDouble(int index, double value) {
  NoteBindResult(std::isnan(value) ? sqlite3_bind_null(stmt_, index)
                                   : sqlite3_bind_double(stmt_, index, value));
  return *this;
}

Statement& Statement::BindText(int index, absl::string_view value) {
  // SQLITE_TRANSIENT: SQLite copies, so callers may bind temporaries.
  NoteBindResult(
      sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
  return *this;
}

int Statement::ParameterIndex(absl::string_view name) const {
  return sqlite3_bind_parameter_index(stmt_, std::string(name).c_str());
}

int Statement::ParameterCount() const { return sqlite3_bind_parameter_count(stmt_); }

std::string Statement::ParameterName(int index) const {
  const char* name = sqlite3_bind_parameter_name(stmt_, index);
  return name == nullptr ? std::string() : std::string(name);
}

absl::StatusOr<bool> Statement::Step() {
  if (!bind_status_.ok()) return bind_status_;
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteError(db_, rc, operation_);
}

absl::Status Statement::Run() {
  absl::StatusOr<bool> row = Step();
  if (!row.ok()) return row.status();
  if (*row) {
    return absl::InternalError(absl::StrCat(operation_, ": statement unexpectedly returned a row"));
  }
  return absl::OkStatus();
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_status_ = absl::OkStatus();
}

int64_t Statement::ColumnInt(int column) const { return sqlite3_column_int64(stmt_, column); }

double Statement::ColumnDouble(int column) const {
  if (sqlite3_column_type(stmt_, column) == SQLITE_NULL) {
    return std::numeric_limits<double>::quiet_NaN();
  }
  return sqlite3_column_double(stmt_, column);
}

int Statement::ColumnCount() const { return sqlite3_column_count(stmt_); }

std::string Statement::ColumnName(int column) const {
  const char* name = sqlite3_column_name(stmt_, column);
  return name == nullptr ? std::string() : std::string(name);
}

std::string Statement::ColumnText(int column) const {
  // column_text before column_bytes, as SQLite documents, so the length
  // refers to the UTF-8 form.
  const unsigned char* text = sqlite3_column_text(stmt_, column);
  if (text == nullptr) return std::string();
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

// ---- Transaction --------------------------------------------------------

Transaction::Transaction(sqlite3* db, std::string operation)
    : db_(db), operation_(std::move(operation)), open_(true) {}

absl::StatusOr<Transaction> Transaction::Begin(sqlite3* db, absl::string_view operation) {
  absl::Status status = Exec(db, "BEGIN IMMEDIATE", absl::StrCat(operation, " (begin)"));
  if (!status.ok()) return status;
  return Transaction(db, std::string(operation));
}

absl::StatusOr<Transaction> Transaction::BeginRead(sqlite3* db, absl::string_view operation) {
  absl::Status status = Exec(db, "BEGIN DEFERRED", absl::StrCat(operation, " (begin)"));
  if (!status.ok()) return status;
  return Transaction(db, std::string(operation));
}

Transaction::Transaction(Transaction&& other) noexcept
    : db_(other.db_),
      operation_(std::move(other.operation_)),
      open_(std::exchange(other.open_, false)) {}

Transaction::~Transaction() {
  if (open_) {
    // Nothing useful can be done with a failed rollback here; SQLite rolls
    // back on its own when the statement that failed was a write, and a
    // still-open transaction is rolled back when the connection closes.
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
}

absl::Status Transaction::Commit() {
  absl::Status status = Exec(db_, "COMMIT", absl::StrCat(operation_, " (commit)"));
  // A failed COMMIT (e.g. SQLITE_BUSY) leaves the transaction open; the
  // destructor then rolls it back, so the call is all or nothing.
  if (status.ok()) open_ = false;
  return status;
}

}  // namespace fta::store
