// The store's schema as numbered migrations.
//
// Migration N takes a database from user_version N-1 to N. Migrations are
// append-only: once released, a migration's SQL never changes (databases in
// the field already ran it); a schema change is a new migration.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

struct sqlite3;

namespace fta::store {

// The version a fully migrated database has: the number of migrations.
int LatestSchemaVersion();

// PRAGMA user_version of the open database.
absl::StatusOr<int> ReadSchemaVersion(sqlite3* db);

// Applies the pending migrations in order, each in its own transaction
// together with its user_version bump, so a failure leaves the database at
// the last complete version. A database newer than this code is refused with
// FAILED_PRECONDITION: running old code on it could misread or damage rows it
// does not understand. `path` only feeds error messages.
absl::Status MigrateToLatest(sqlite3* db, const std::string& path);

}  // namespace fta::store
