// Housekeeping: what keeps an always-on fta-hostd from growing without end.
//   * jobs.retention_days: finished jobs and released FTAs older than that
//     are deleted from the store (0 keeps everything);
//   * agents.log_max_mib / agents.log_keep: a per-FTA agent log over the cap
//     is rotated (copy to NAME.log.1, older ones shifted up to .KEEP, the
//     live file truncated in place: the agent writes with O_APPEND, so it
//     goes on at the new end without being told);
//   * an MPI job's work directory (<state_dir>/mpi/<job id>: hostfile,
//     mpirun output, IOR's summary) lives as long as its job record: a
//     directory whose job is no longer in the store is removed.
// Tick() does both; the daemon calls it from a core::Periodic.
//
//   Housekeeping housekeeping(store, &clock, {90, state_dir + "/logs", 16 << 20, 3});
//   housekeeping.Tick();
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "lib/core/clock.h"
#include "lib/store/store.h"

namespace fta::hostd {

class Housekeeping {
 public:
  struct Options {
    int retention_days = 90;      // 0: keep everything
    std::string log_dir;          // "" : no rotation
    int64_t log_max_bytes = 16 << 20;
    int log_keep = 3;             // rotated copies kept per log
    std::string mpi_work_dir;     // "" : nothing to prune
  };
  // Nothing is owned.
  Housekeeping(store::Store* store, const Clock* clock, Options options);

  void Tick();
  // SIGHUP: a new retention applies from the next tick.
  void SetRetentionDays(int days) { retention_days_.store(days); }
  int retention_days() const { return retention_days_.load(); }

  // Rotates every "*.log" in `log_dir` larger than `max_bytes`; returns how
  // many were rotated.
  static int RotateLogs(const std::string& log_dir, int64_t max_bytes, int keep);

  // Removes the directories of `mpi_work_dir` named for a job the store no
  // longer has; returns how many were removed.
  int PruneMpiWorkDirs();

 private:
  store::Store* store_;
  const Clock* clock_;
  const Options options_;
  std::atomic<int> retention_days_;
};

}  // namespace fta::hostd
