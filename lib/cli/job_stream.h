// Following a job's JobEvent stream (`ior run`, `job watch`).
//
// JobEventView turns events into what a person at a terminal wants to see:
// a start line, a progress line redrawn in place (carriage return) from
// Progress events, and one permanent line per finished phase. It writes only
// to the stream it is given, so main passes stderr (stdout stays clean for
// the final table or JSON) and tests pass a std::ostringstream.
//
//   JobEventView view(std::cerr, JobEventView::Mode::kLive);
//   while (reader->Read(&event)) view.Consume(event);
//   view.End();
//   if (!view.finished()) ... stream ended early ...
#pragma once

#include <cstddef>
#include <optional>
#include <ostream>
#include <string>

#include "fta/v1/job.grpc.pb.h"

namespace fta::cli {

// "write  iter 1  512.0/1024.0 MiB  50%  812.30 MiB/s"; the expected total
// and percentage are left out while the daemon does not know them.
std::string RenderProgressLine(const v1::Progress& progress);

// "write  iter 1  1234.56 MiB/s  1294.53 MB/s  1.00 GiB in 0.811 s  skew 0.004 s  1234 IOPS"
std::string RenderPhaseLine(const v1::PhaseAggregate& aggregate);

// kOk for COMPLETED, kExitJobFailed for FAILED/PARTIAL/CANCELLED, kExitError
// for a "finished" job in a non-terminal state (a daemon bug, not a verdict).
int ExitCodeForJob(const v1::Job& job);

class JobEventView {
 public:
  enum class Mode {
    kQuiet,  // track the job only: JSON output or not a terminal
    kLive,   // draw progress and phase lines
  };

  JobEventView(std::ostream& out, Mode mode);

  void Consume(const v1::JobEvent& event);

  // Erases a pending progress line so whatever is printed next starts clean.
  void End();

  // The job from the `finished` event, if one arrived.
  const std::optional<v1::Job>& finished() const { return finished_; }

  // Known once `started` (or `finished`) arrived; "" before.
  const std::string& job_id() const { return job_id_; }

 private:
  void DrawProgress(const std::string& line);
  void ClearProgress();

  std::ostream& out_;
  Mode mode_;
  std::string job_id_;
  std::optional<v1::Job> finished_;
  size_t progress_width_ = 0;  // visible width of the line currently drawn
};

}  // namespace fta::cli
