// Following a job's JobEvent stream (`ior run`, `job watch`).
//
// JobEventView turns events into what a person at a terminal wants to see:
// a start line, a progress line redrawn in place (carriage return) from
// Progress events, and one permanent line per finished phase. It writes only
// to the stream it is given, so main passes stderr (stdout stays clean for
// the final table or JSON) and tests pass a std::ostringstream.
//
//   JobEventView view(std::cerr, JobEventView::Mode::kLive);  // lib/cli/event_view.h
//   while (reader->Read(&event)) view.Consume(event);
//   view.End();
//   if (!view.finished()) ... stream ended early ...
#pragma once

#include <ostream>
#include <string>

#include "fta/v1/job.grpc.pb.h"
#include "lib/cli/event_view.h"

namespace fta::cli {

// "write  iter 1  512.0/1024.0 MiB  50%  812.30 MiB/s"; the expected total
// and percentage are left out while the daemon does not know them.
std::string RenderProgressLine(const v1::Progress& progress);

// "write  iter 1  1234.56 MiB/s  1294.53 MB/s  1.00 GiB in 0.811 s  skew 0.004 s  1234 IOPS"
std::string RenderPhaseLine(const v1::PhaseAggregate& aggregate);

// kOk for COMPLETED, kExitJobFailed for FAILED/PARTIAL/CANCELLED, kExitError
// for a "finished" job in a non-terminal state (a daemon bug, not a verdict).
int ExitCodeForJob(const v1::Job& job);

class JobEventView : public EventView<v1::Job> {
 public:
  JobEventView(std::ostream& out, Mode mode) : EventView(out, mode) {}
  void Consume(const v1::JobEvent& event);
};

}  // namespace fta::cli
