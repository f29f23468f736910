#include "lib/store/schema.h"

#include <sqlite3.h>

#include <vector>

#include "absl/strings/str_cat.h"
#include "lib/core/status_macros.h"
#include "lib/store/sqlite_util.h"

namespace fta::store {
namespace {

// Enums are stored as their proto enum names ('FTA_STATE_READY',
// 'PHASE_WRITE') so the database reads plainly in the sqlite3 CLI and does
// not depend on enum numbering. Doubles are nullable because SQLite stores
// NaN as NULL (a zero-second phase gives a NaN bandwidth).
//
// ftas and jobs carry an INTEGER PRIMARY KEY `seq` next to the text id: it
// records insertion order (ListFtas/ListJobs tie-breaks) and, unlike an
// implicit rowid, VACUUM never renumbers it.
constexpr char kMigration1[] = R"sql(
CREATE TABLE counters (
  name  TEXT PRIMARY KEY NOT NULL,
  value INTEGER NOT NULL
);

CREATE TABLE ftas (
  seq                    INTEGER PRIMARY KEY,
  id                     TEXT NOT NULL UNIQUE,
  kind                   TEXT NOT NULL,
  backend                TEXT NOT NULL DEFAULT '',
  state                  TEXT NOT NULL,
  pid                    INTEGER NOT NULL DEFAULT 0,
  hostname               TEXT NOT NULL DEFAULT '',
  agent_version          TEXT NOT NULL DEFAULT '',
  ior_path               TEXT NOT NULL DEFAULT '',
  ior_version            TEXT NOT NULL DEFAULT '',
  created_unix_ms        INTEGER NOT NULL DEFAULT 0,
  connected_unix_ms      INTEGER NOT NULL DEFAULT 0,
  last_heartbeat_unix_ms INTEGER NOT NULL DEFAULT 0,
  last_error             TEXT NOT NULL DEFAULT '',
  vf                     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ftas_by_creation ON ftas (created_unix_ms, seq);

CREATE TABLE jobs (
  seq                 INTEGER PRIMARY KEY,
  id                  TEXT NOT NULL UNIQUE,
  state               TEXT NOT NULL,
  spec                TEXT NOT NULL DEFAULT '{}',  -- fta.v1.IorSpec as JSON
  created_unix_ms     INTEGER NOT NULL DEFAULT 0,
  finished_unix_ms    INTEGER NOT NULL DEFAULT 0,
  error               TEXT NOT NULL DEFAULT '',
  transfer_size_bytes INTEGER NOT NULL DEFAULT 0,
  block_size_bytes    INTEGER NOT NULL DEFAULT 0,
  engine              TEXT NOT NULL DEFAULT ''
);
CREATE INDEX jobs_by_creation ON jobs (created_unix_ms, seq);
CREATE INDEX jobs_by_state ON jobs (state);

-- position keeps the agents in the order the job listed them.
CREATE TABLE job_agents (
  job_id   TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  fta_id   TEXT NOT NULL,
  ranks    TEXT NOT NULL DEFAULT '',  -- "0,1"
  state    TEXT NOT NULL DEFAULT '',
  error    TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (job_id, position)
) WITHOUT ROWID;

CREATE TABLE rank_results (
  job_id         TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  iteration      INTEGER NOT NULL,
  phase          TEXT NOT NULL,
  rank           INTEGER NOT NULL,
  fta_id         TEXT NOT NULL,
  open_start_ns  INTEGER NOT NULL,
  open_end_ns    INTEGER NOT NULL,
  xfer_start_ns  INTEGER NOT NULL,
  xfer_end_ns    INTEGER NOT NULL,
  close_start_ns INTEGER NOT NULL,
  close_end_ns   INTEGER NOT NULL,
  bytes          INTEGER NOT NULL,
  ops            INTEGER NOT NULL,
  PRIMARY KEY (job_id, iteration, phase, rank)
) WITHOUT ROWID;

CREATE TABLE phase_aggregates (
  job_id             TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  iteration          INTEGER NOT NULL,
  phase              TEXT NOT NULL,
  bytes              INTEGER NOT NULL,
  total_seconds      REAL,
  bandwidth_mib      REAL,
  bandwidth_mb       REAL,
  iops               REAL,
  open_seconds       REAL,
  xfer_seconds       REAL,
  close_seconds      REAL,
  start_skew_seconds REAL,
  ranks              INTEGER NOT NULL,
  PRIMARY KEY (job_id, iteration, phase)
) WITHOUT ROWID;

CREATE TABLE phase_summaries (
  job_id              TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  phase               TEXT NOT NULL,
  max_mib             REAL,
  min_mib             REAL,
  mean_mib            REAL,
  stddev_mib          REAL,
  mean_seconds        REAL,
  bytes_per_iteration INTEGER NOT NULL,
  iterations          INTEGER NOT NULL,
  PRIMARY KEY (job_id, phase)
) WITHOUT ROWID;
)sql";

// Sweeps (lib/sweeps): one row per sweep; one per IOR job it ran
// (sweep_runs, with the snapshot of what shaped the run); one per measured
// phase (sweep_points, with transfer size, N and job id repeated so
//   sqlite3 fta-hostd.db "SELECT * FROM sweep_points WHERE sweep_id='sweep-1'"
// reads on its own).
constexpr char kMigration2[] = R"sql(
CREATE TABLE sweeps (
  seq              INTEGER PRIMARY KEY,
  id               TEXT NOT NULL UNIQUE,
  state            TEXT NOT NULL,
  spec             TEXT NOT NULL DEFAULT '{}',  -- fta.v1.SweepSpec as JSON
  created_unix_ms  INTEGER NOT NULL DEFAULT 0,
  finished_unix_ms INTEGER NOT NULL DEFAULT 0,
  error            TEXT NOT NULL DEFAULT '',
  steps_total      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX sweeps_by_creation ON sweeps (created_unix_ms, seq);

CREATE TABLE sweep_runs (
  sweep_id            TEXT NOT NULL REFERENCES sweeps (id) ON DELETE CASCADE,
  step                INTEGER NOT NULL,
  transfer_size_bytes INTEGER NOT NULL,
  block_size_bytes    INTEGER NOT NULL,
  fta_count           INTEGER NOT NULL,
  target              TEXT NOT NULL,
  ranks               INTEGER NOT NULL,
  repetition          INTEGER NOT NULL,
  job_id              TEXT NOT NULL DEFAULT '',
  state               TEXT NOT NULL,
  error               TEXT NOT NULL DEFAULT '',
  note                TEXT NOT NULL DEFAULT '',
  finished_unix_ms    INTEGER NOT NULL DEFAULT 0,
  write_mib           REAL,
  read_mib            REAL,
  backend             TEXT NOT NULL DEFAULT '',
  guest_template      TEXT NOT NULL DEFAULT '',
  cpu_model           TEXT NOT NULL DEFAULT '',
  cpu_count           INTEGER NOT NULL DEFAULT 0,
  memory_bytes        INTEGER NOT NULL DEFAULT 0,
  vfs                 TEXT NOT NULL DEFAULT '',  -- "0000:03:00.1,0000:03:00.2"
  pf                  TEXT NOT NULL DEFAULT '',
  ib_link_rate        TEXT NOT NULL DEFAULT '',
  engine              TEXT NOT NULL DEFAULT '',
  engine_version      TEXT NOT NULL DEFAULT '',
  kernel              TEXT NOT NULL DEFAULT '',
  config_hash         TEXT NOT NULL DEFAULT '',
  hostname            TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (sweep_id, step)
) WITHOUT ROWID;

CREATE TABLE sweep_points (
  sweep_id            TEXT NOT NULL REFERENCES sweeps (id) ON DELETE CASCADE,
  step                INTEGER NOT NULL,
  phase               TEXT NOT NULL,
  transfer_size_bytes INTEGER NOT NULL,
  fta_count           INTEGER NOT NULL,
  target              TEXT NOT NULL,
  repetition          INTEGER NOT NULL,
  bandwidth_mib       REAL,
  job_id              TEXT NOT NULL DEFAULT '',
  bytes               INTEGER NOT NULL DEFAULT 0,
  seconds             REAL,
  PRIMARY KEY (sweep_id, step, phase)
) WITHOUT ROWID;
)sql";

// Built-in engine (issue 3): besides IOR's aggregate, the window in which
// every rank was active and its bandwidth (bytes prorated over each rank's
// transfer interval), and the -D stonewall transfer counts (min/max rank).
constexpr char kMigration3[] = R"sql(
ALTER TABLE phase_aggregates ADD COLUMN all_active_seconds REAL NOT NULL DEFAULT 0;
ALTER TABLE phase_aggregates ADD COLUMN all_active_bandwidth_mib REAL NOT NULL DEFAULT 0;
ALTER TABLE phase_aggregates ADD COLUMN stonewall_min_ops INTEGER NOT NULL DEFAULT 0;
ALTER TABLE phase_aggregates ADD COLUMN stonewall_max_ops INTEGER NOT NULL DEFAULT 0;
)sql";

// The VF pool (lib/sriov): which FTA holds which VF. Written in the same
// transaction as the FTA row (Store::PutFtaWithVf); the primary key makes a
// VF held twice impossible even across a crash, the UNIQUE fta_id one VF per
// FTA.
constexpr char kMigration4[] = R"sql(
CREATE TABLE vf_assignments (
  vf               TEXT PRIMARY KEY NOT NULL,  -- PCI address, "0000:03:00.1"
  fta_id           TEXT NOT NULL UNIQUE REFERENCES ftas (id),
  assigned_unix_ms INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
)sql";

// Real IOR (issue 3): where a job's rank timestamps come from, and for
// `ftactl results import` the file, IOR version and command line.
constexpr char kMigration5[] = R"sql(
ALTER TABLE jobs ADD COLUMN timestamp_source TEXT NOT NULL DEFAULT '';
ALTER TABLE jobs ADD COLUMN source TEXT NOT NULL DEFAULT '';
ALTER TABLE jobs ADD COLUMN ior_version TEXT NOT NULL DEFAULT '';
ALTER TABLE jobs ADD COLUMN ior_command_line TEXT NOT NULL DEFAULT '';
)sql";

// Link metering (issue 4): per phase, the IB ports behind the job's VFs.
constexpr char kMigration6[] = R"sql(
CREATE TABLE phase_links (
  job_id          TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  iteration       INTEGER NOT NULL,
  phase           TEXT NOT NULL,
  ib_port         TEXT NOT NULL,
  pf              TEXT NOT NULL,
  rate_gbps       REAL,
  xmit_bytes      INTEGER NOT NULL,
  rcv_bytes       INTEGER NOT NULL,
  seconds         REAL,
  utilisation_pct REAL,
  agent_bytes     INTEGER NOT NULL,
  ftas            INTEGER NOT NULL,
  check_result    TEXT NOT NULL,
  error           TEXT NOT NULL,
  PRIMARY KEY (job_id, iteration, phase, ib_port)
) WITHOUT ROWID;
)sql";

// Sweeps: how busy the IB link behind a point's VFs was.
constexpr char kMigration7[] = R"sql(
ALTER TABLE sweep_points ADD COLUMN link_utilisation_pct REAL DEFAULT -1;
)sql";

// API enums (issue 13): FTA kinds say what an FTA runs in (GUEST covered
// processes and guests), and backends, engines, job agent and sweep run
// states, once free text, are stored by enum name like every other enum.
// IorSpec's -D field is stonewall_s (was deadline_s). JSON1 is built into
// Debian's SQLite.
constexpr char kMigration8[] = R"sql(
UPDATE ftas SET kind = CASE backend WHEN 'libvirt' THEN 'FTA_KIND_VM' ELSE 'FTA_KIND_PROCESS' END
  WHERE kind = 'FTA_KIND_GUEST';
UPDATE ftas SET backend = CASE backend WHEN 'process' THEN 'BACKEND_PROCESS' WHEN 'libvirt' THEN 'BACKEND_LIBVIRT'
  ELSE 'BACKEND_UNSPECIFIED' END;
UPDATE jobs SET engine = CASE engine WHEN 'builtin' THEN 'ENGINE_BUILTIN' WHEN 'ior' THEN 'ENGINE_IOR'
  WHEN 'ior-import' THEN 'ENGINE_IOR_IMPORT' ELSE 'ENGINE_UNSPECIFIED' END;
UPDATE jobs SET spec = json_remove(json_set(spec, '$.stonewall_s', json_extract(spec, '$.deadline_s')), '$.deadline_s')
  WHERE json_valid(spec) AND json_type(spec, '$.deadline_s') IS NOT NULL;
UPDATE jobs SET spec = json_set(spec, '$.engine', CASE json_extract(spec, '$.engine') WHEN 'builtin' THEN 'ENGINE_BUILTIN'
  WHEN 'ior' THEN 'ENGINE_IOR' ELSE 'ENGINE_UNSPECIFIED' END)
  WHERE json_valid(spec) AND json_type(spec, '$.engine') IS NOT NULL;
UPDATE job_agents SET state = CASE state WHEN 'ok' THEN 'JOB_AGENT_STATE_OK' WHEN 'failed' THEN 'JOB_AGENT_STATE_FAILED'
  WHEN 'cancelled' THEN 'JOB_AGENT_STATE_CANCELLED' WHEN 'lost' THEN 'JOB_AGENT_STATE_LOST'
  WHEN 'running' THEN 'JOB_AGENT_STATE_RUNNING' WHEN 'timeout' THEN 'JOB_AGENT_STATE_TIMEOUT'
  ELSE 'JOB_AGENT_STATE_UNSPECIFIED' END;
UPDATE sweep_runs SET
  state = CASE state WHEN 'completed' THEN 'SWEEP_RUN_STATE_COMPLETED' WHEN 'failed' THEN 'SWEEP_RUN_STATE_FAILED'
    WHEN 'cancelled' THEN 'SWEEP_RUN_STATE_CANCELLED' ELSE 'SWEEP_RUN_STATE_UNSPECIFIED' END,
  backend = CASE backend WHEN 'process' THEN 'BACKEND_PROCESS' WHEN 'libvirt' THEN 'BACKEND_LIBVIRT'
    ELSE 'BACKEND_UNSPECIFIED' END,
  engine = CASE engine WHEN 'builtin' THEN 'ENGINE_BUILTIN' WHEN 'ior' THEN 'ENGINE_IOR' ELSE 'ENGINE_UNSPECIFIED' END;
UPDATE sweeps SET spec = json_set(spec, '$.backend', CASE json_extract(spec, '$.backend') WHEN 'process'
  THEN 'BACKEND_PROCESS' WHEN 'libvirt' THEN 'BACKEND_LIBVIRT' ELSE 'BACKEND_UNSPECIFIED' END)
  WHERE json_valid(spec) AND json_type(spec, '$.backend') IS NOT NULL;
)sql";

// Many hosts under Slurm (issue 17): the owner an FTA was allocated for
// ("slurm:1234"), the owner of the FTAs a job ran on, and its --start-at.
constexpr char kMigration9[] = R"sql(
ALTER TABLE ftas ADD COLUMN owner TEXT NOT NULL DEFAULT '';
ALTER TABLE jobs ADD COLUMN owner TEXT NOT NULL DEFAULT '';
ALTER TABLE jobs ADD COLUMN start_at_unix_ms INTEGER NOT NULL DEFAULT 0;
)sql";

// Honest local numbers (issue 14): why a read phase was likely served from
// the page cache ("" when it was not, as far as hostd can tell).
constexpr char kMigration10[] = R"sql(
ALTER TABLE phase_aggregates ADD COLUMN cache_note TEXT NOT NULL DEFAULT '';
)sql";

// Migration 11 was reserved for the agent channel (issue 18), which needed
// none: a no-op, so that every database counts the same versions.
constexpr char kMigration11[] = R"sql(
SELECT 1;
)sql";

// Production daemon (issue 18): the files of a job that has not finished
// yet, removed when it fails, is cancelled, or was running when the daemon
// died (the row outlives the crash; see Store::CleanupIntent).
constexpr char kMigration12[] = R"sql(
CREATE TABLE job_cleanups (
  job_id          TEXT PRIMARY KEY NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  directory       TEXT NOT NULL,
  file_name       TEXT NOT NULL,
  unique_dir      INTEGER NOT NULL DEFAULT 0,
  total_ranks     INTEGER NOT NULL,
  created_unix_ms INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX jobs_by_finish ON jobs (finished_unix_ms);
)sql";

const std::vector<const char*>& Migrations() {
  static const std::vector<const char*> kMigrations = {kMigration1, kMigration2, kMigration3, kMigration4,
                                                       kMigration5, kMigration6, kMigration7, kMigration8,
                                                       kMigration9, kMigration10, kMigration11, kMigration12};
  return kMigrations;
}

}  // namespace

int LatestSchemaVersion() { return static_cast<int>(Migrations().size()); }

absl::StatusOr<int> ReadSchemaVersion(sqlite3* db) {
  FTA_ASSIGN_OR_RETURN(Statement stmt,
                       Statement::Prepare(db, "PRAGMA user_version", "reading schema version"));
  FTA_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return absl::InternalError("reading schema version: PRAGMA user_version gave no row");
  return static_cast<int>(stmt.ColumnInt(0));
}

absl::Status MigrateToLatest(sqlite3* db, const std::string& path) {
  const int latest = LatestSchemaVersion();
  for (;;) {
    FTA_ASSIGN_OR_RETURN(Transaction txn, Transaction::Begin(db, absl::StrCat("migrating ", path)));
    // Read inside the write transaction: another process opening the same
    // file concurrently may have migrated it while we waited for the lock.
    FTA_ASSIGN_OR_RETURN(int version, ReadSchemaVersion(db));
    if (version > latest) {
      return absl::FailedPreconditionError(absl::StrCat(
          "database ", path, " has schema version ", version,
          " but this fta-hostd knows only up to ", latest,
          "; it was written by a newer release (refusing to open it rather than misread it)"));
    }
    if (version < 0) {
      return absl::FailedPreconditionError(
          absl::StrCat("database ", path, " has invalid schema version ", version));
    }
    if (version == latest) return absl::OkStatus();
    const int next = version + 1;
    const std::string operation = absl::StrCat("applying migration ", next, " to ", path);
    FTA_RETURN_IF_ERROR(Exec(db, Migrations()[version], operation));
    // PRAGMA takes no bound parameters; `next` is a code-owned integer.
    FTA_RETURN_IF_ERROR(Exec(db, absl::StrCat("PRAGMA user_version = ", next), operation));
    FTA_RETURN_IF_ERROR(txn.Commit());
  }
}

}  // namespace fta::store
