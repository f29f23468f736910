// The daemon's durable state: one SQLite database (WAL) in the state
// directory. It is the source of truth for what hostd decided: which FTAs
// exist, which jobs ran, every rank's timestamps and the aggregates.
//
//   absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(state_dir + "/fta-hostd.db");
//   (*store)->InsertFta(fta);
//
// Schema changes are numbered migrations applied in order at Open() inside a
// transaction (PRAGMA user_version holds the version; see schema.h). A
// database written by a newer release is refused (FAILED_PRECONDITION).
// Thread-safe: one connection behind a mutex (writes are small and rare next
// to IOR's I/O).
//
// Errors: NOT_FOUND names the missing id ("job job-7 not found"); SQLite
// failures become INTERNAL, or UNAVAILABLE when another process held the
// database lock past the busy timeout (retryable), with SQLite's message and
// the operation. Tables are plain SQL with enums stored by name, so
//   sqlite3 fta-hostd.db "SELECT id, state FROM jobs"
// works for operators.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "fta/v1/common.pb.h"
#include "fta/v1/job.pb.h"
#include "fta/v1/sweep.pb.h"
#include "lib/core/clock.h"
#include "lib/core/paging.h"

struct sqlite3;

namespace fta::store {

class Store {
 public:
  // Creates the file when missing, sets WAL / synchronous=NORMAL /
  // foreign_keys / busy_timeout, and migrates to the latest schema.
  static absl::StatusOr<std::unique_ptr<Store>> Open(const std::string& path);
  // As above with an injected clock (the overload above uses the real one);
  // `clock` (not owned, must outlive the Store) stamps the times
  // the store sets itself (FailUnfinishedJobs' finished time).
  static absl::StatusOr<std::unique_ptr<Store>> Open(const std::string& path,
                                                     const fta::Clock* clock);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // PRAGMA user_version of the open database (-1 if it cannot be read).
  int SchemaVersion();
  // The version this code migrates to: the number of migrations.
  static int LatestSchemaVersion();

  // ---- FTAs -------------------------------------------------------------
  // Allocates the next FTA id ("fta-1", "fta-2", ...); ids are never reused,
  // even after release, so history stays unambiguous.
  absl::StatusOr<std::string> NextFtaId();
  // Insert or replace the whole record (keyed by id; empty id is
  // INVALID_ARGUMENT). Replacing keeps the FTA's place in ListFtas.
  absl::Status PutFta(const fta::v1::Fta& fta);
  absl::StatusOr<fta::v1::Fta> GetFta(const std::string& id);  // NOT_FOUND names the id
  // Ordered by creation; released ones only when asked.
  absl::StatusOr<std::vector<fta::v1::Fta>> ListFtas(bool include_released);
  // The same list, one page (keyset: the FTAs created after query.after).
  // An `after` that names no FTA is INVALID_ARGUMENT naming page_token.
  absl::StatusOr<Page<fta::v1::Fta>> ListFtas(bool include_released, const PageQuery& query);

  // ---- VF assignments (store_vfs.cc) --------------------------------------
  // PutFta and the FTA's VF assignment in one transaction. An FTA that is
  // neither RELEASED nor FAILED and names a vf holds that VF; otherwise its
  // assignment is dropped. A VF another FTA holds is FAILED_PRECONDITION
  // naming both, and then nothing is written (the FTA record neither).
  absl::Status PutFtaWithVf(const fta::v1::Fta& fta);
  struct VfAssignment {
    std::string vf;       // PCI address
    std::string fta_id;
    int64_t assigned_unix_ms = 0;
  };
  // By VF address.
  absl::StatusOr<std::vector<VfAssignment>> ListVfAssignments();
  // Reconcile: drops the assignment of `vf` (absent is fine).
  absl::Status DeleteVfAssignment(const std::string& vf);

  // ---- Jobs -------------------------------------------------------------
  // Allocates the next job id ("job-1", ...).
  absl::StatusOr<std::string> NextJobId();
  // Insert or replace the job row: id, state, spec, agents, times, error,
  // sizes, engine. Aggregates, summaries and rank results are stored by the
  // calls below, not by PutJob (and PutJob leaves stored ones untouched).
  // Job row and agents are replaced in one transaction.
  absl::Status PutJob(const fta::v1::Job& job);
  // Finished jobs measured elsewhere (ftactl job import: one per IOR test of
  // a file; results merge --store: one merged job): job rows, agents,
  // aggregates, summaries and rank results in one transaction, all or
  // nothing. The ids must be new (ALREADY_EXISTS otherwise). store_import.cc.
  absl::Status PutImportedJobs(const std::vector<fta::v1::Job>& jobs);
  absl::Status PutImportedJob(const fta::v1::Job& job);
  // The three calls below need the job row first (NOT_FOUND otherwise).
  // Inserts all results in one transaction: all or nothing. A result whose
  // (iteration, phase, rank) is already stored fails the whole call.
  absl::Status AddRankResults(const std::string& job_id,
                              const std::vector<fta::v1::RankPhaseResult>& results);
  // Insert or replace the aggregate of one (iteration, phase).
  absl::Status AddAggregate(const std::string& job_id, const fta::v1::PhaseAggregate& aggregate);
  // Replaces the job's whole set of summaries.
  absl::Status PutSummaries(const std::string& job_id,
                            const std::vector<fta::v1::PhaseSummary>& summaries);
  // The whole job: row + aggregates (by iteration, phase) + summaries + rank
  // results (by iteration, phase, rank). NOT_FOUND names the id.
  absl::StatusOr<fta::v1::Job> GetJob(const std::string& id);
  // One page of jobs, newest first (by created_unix_ms, then insertion),
  // without rank results (agents, aggregates and summaries included); keyset
  // paging as ListFtas'.
  absl::StatusOr<Page<fta::v1::Job>> ListJobs(const PageQuery& query);
  // At daemon start: jobs left PENDING/RUNNING by a previous run become
  // FAILED with `reason` as their error and the clock's time as finished
  // time; returns their ids, oldest first.
  absl::StatusOr<std::vector<std::string>> FailUnfinishedJobs(const std::string& reason);

  // ---- Sweeps (store_sweeps.cc) -----------------------------------------
  // Allocates the next sweep id ("sweep-1", ...).
  absl::StatusOr<std::string> NextSweepId();
  // Insert or update the sweep row: id, state, spec, times, error,
  // steps_total. Runs and points are stored by PutSweepRun and kept.
  absl::Status PutSweep(const fta::v1::Sweep& sweep);
  // One run and its points in one transaction, replacing a run stored for
  // the same step (and that run's points). NOT_FOUND without the sweep row.
  absl::Status PutSweepRun(const std::string& sweep_id, const fta::v1::SweepRun& run,
                           const std::vector<fta::v1::SweepPoint>& points);
  // Row + runs (by step) + points (by step, phase); steps_done counts the
  // completed runs. The summary is the caller's (lib/report). NOT_FOUND
  // names the id.
  absl::StatusOr<fta::v1::Sweep> GetSweep(const std::string& id);
  // One page of sweeps, newest first, with runs, without points; keyset
  // paging as ListFtas'.
  absl::StatusOr<Page<fta::v1::Sweep>> ListSweeps(const PageQuery& query);
  // At daemon start: RUNNING sweeps become INTERRUPTED with `reason`;
  // returns their ids, oldest first.
  absl::StatusOr<std::vector<std::string>> InterruptRunningSweeps(const std::string& reason);

  // ---- Cleanup intents and retention (store_cleanup.cc) -----------------
  // The files a job creates on this host, recorded before it starts and
  // dropped once they are gone (or kept on purpose), so a daemon killed in
  // between removes them at its next start.
  struct CleanupIntent {
    std::string job_id;
    std::string directory;
    std::string file_name;
    bool unique_dir = false;  // -u: <directory>/<rank>/<file>
    int total_ranks = 0;
  };
  // Insert or replace; the job row must exist (NOT_FOUND otherwise).
  absl::Status PutCleanupIntent(const CleanupIntent& intent);
  // Absent is fine.
  absl::Status DeleteCleanupIntent(const std::string& job_id);
  // Oldest first.
  absl::StatusOr<std::vector<CleanupIntent>> ListCleanupIntents();
  // jobs.retention_days: deletes finished jobs (not PENDING/RUNNING) that
  // finished before `cutoff_unix_ms`, with their agents and results, and
  // RELEASED FTAs last seen (created, connected, heartbeat) before it.
  struct Pruned {
    int jobs = 0;
    int ftas = 0;
  };
  absl::StatusOr<Pruned> PruneBefore(int64_t cutoff_unix_ms);
  // Jobs per state name ("JOB_STATE_RUNNING" -> 2), for the metrics endpoint.
  absl::StatusOr<std::map<std::string, int64_t>> CountJobsByState();

 private:
  Store(sqlite3* db, std::string path, const fta::Clock* clock);
  absl::Status Migrate();
  absl::StatusOr<std::string> NextId(const std::string& counter);
  // Callers hold mu_.
  absl::Status PutFtaLocked(const fta::v1::Fta& fta);
  absl::Status CheckJobExists(const std::string& job_id, const std::string& operation);
  // One imported job's rows, inside the caller's transaction.
  absl::Status InsertImportedJob(const fta::v1::Job& job);
  absl::Status LoadJobDetails(fta::v1::Job& job, bool with_rank_results);
  absl::Status LoadSweepRuns(fta::v1::Sweep& sweep);

  std::mutex mu_;
  sqlite3* db_ ABSL_GUARDED_BY(mu_);
  const std::string path_;
  const fta::Clock* const clock_;
};

}  // namespace fta::store
