// JobFileKeeper: a job's data files on this host are removed when the job
// does not complete (FAILED, PARTIAL, CANCELLED), also when the daemon died
// while it ran: the intent is stored (Store::CleanupIntent) before the job's
// first phase and dropped once the files are gone or kept on purpose (-k,
// or a completed job whose remove phase did it).
//
//   JobFileKeeper keeper(&store);
//   keeper.Expect("job-7", params, /*total_ranks=*/8);  // before the phases
//   keeper.Finished("job-7", fta::v1::JOB_STATE_FAILED); // removes the files
//   keeper.RemoveLeftovers();                            // at daemon start
//
// Files are reached relative to the job directory without following links
// (ior/safe_dir.h), so a link planted meanwhile removes nothing elsewhere.
// Only files on this host's file system are handled: a guest's own disk is
// the guest's (its files go with it on release).
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "fta/v1/common.pb.h"
#include "fta/v1/job.pb.h"
#include "lib/ior/ior_params.h"
#include "lib/store/store.h"

namespace fta::hostd {

class JobFileKeeper {
 public:
  explicit JobFileKeeper(store::Store* store) : store_(store) {}  // not owned

  // Records the files the job's `total_ranks` ranks create (nothing with -k).
  absl::Status Expect(const std::string& job_id, const ior::IorParams& params, int total_ranks);
  // The job ended in `state`: unless COMPLETED its files are removed; the
  // intent goes either way. Returns the number of files removed.
  int Finished(const std::string& job_id, fta::v1::JobState state);
  // Daemon start: the files of every intent left behind. Returns the
  // number of files removed.
  absl::StatusOr<int> RemoveLeftovers();

  // The removal itself: every rank's file (the built-in engine's and the
  // real ior's name), and with -u the rank directories left empty.
  static int RemoveFiles(const store::Store::CleanupIntent& intent);

 private:
  store::Store* store_;
};

}  // namespace fta::hostd
