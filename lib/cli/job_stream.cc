#include "lib/cli/job_stream.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lib/cli/args.h"
#include "lib/cli/format.h"
#include "lib/cli/table.h"
#include "lib/core/units.h"

namespace fta::cli {
namespace {

constexpr double kMiB = 1024.0 * 1024.0;

std::string Mib(int64_t bytes) { return absl::StrFormat("%.1f", static_cast<double>(bytes) / kMiB); }

}  // namespace

std::string RenderProgressLine(const v1::Progress& progress) {
  std::string line = absl::StrCat(PhaseName(progress.phase()), "  iter ", progress.iteration(), "  ");
  if (progress.bytes_expected() > 0) {
    double percent = 100.0 * static_cast<double>(progress.bytes_done()) /
                     static_cast<double>(progress.bytes_expected());
    absl::StrAppend(&line, Mib(progress.bytes_done()), "/", Mib(progress.bytes_expected()),
                    " MiB  ", absl::StrFormat("%.0f%%", percent));
  } else {
    absl::StrAppend(&line, Mib(progress.bytes_done()), " MiB");
  }
  absl::StrAppend(&line, "  ", FormatRate(progress.current_mib()), " MiB/s");
  // -1: the job's FTAs have no VF, so there is no link to show.
  if (progress.link_utilisation_pct() >= 0) {
    absl::StrAppend(&line, absl::StrFormat("  link %.0f%%", progress.link_utilisation_pct()));
  }
  return line;
}

std::string RenderPhaseLine(const v1::PhaseAggregate& a) {
  std::string line =
      absl::StrCat(PhaseName(a.phase()), "  iter ", a.iteration(), "  ", FormatRate(a.bandwidth_mib()),
                   " MiB/s  ", FormatRate(a.bandwidth_mb()), " MB/s  ",
                   HumanBytes(static_cast<uint64_t>(std::max<int64_t>(0, a.bytes()))), " in ",
                   FormatSeconds(a.total_seconds()), " s  skew ", FormatSeconds(a.start_skew_seconds()),
                   " s  ", absl::StrFormat("%.0f", a.iops()), " IOPS");
  // How far ahead the start was set and when the last GO arrived relative
  // to it (negative: before, as planned).
  if (a.start_lead_seconds() > 0) {
    absl::StrAppend(&line, absl::StrFormat("  lead %.3f ms, last GO %+.3f ms", a.start_lead_seconds() * 1e3,
                                           a.go_late_seconds() * 1e3));
  }
  return line;
}

int ExitCodeForJob(const v1::Job& job) {
  return ExitCodeForState(job.state(), v1::JOB_STATE_COMPLETED,
                          {v1::JOB_STATE_FAILED, v1::JOB_STATE_PARTIAL, v1::JOB_STATE_CANCELLED});
}

void JobEventView::Consume(const v1::JobEvent& event) {
  switch (event.body_case()) {
    case v1::JobEvent::kStarted: {
      id_ = event.started().id();
      if (!live()) return;
      ClearProgress();
      // Detaching is safe (the daemon keeps the job), which is worth saying
      // before someone hesitates to press Ctrl-C on a 48 GiB run.
      out_ << "job " << id_ << " started on " << event.started().agents_size()
           << " FTA(s); Ctrl-C detaches, 'ftactl job watch " << id_ << "' reattaches\n";
      break;
    }
    case v1::JobEvent::kProgress:
      if (live()) DrawProgress(RenderProgressLine(event.progress()));
      break;
    case v1::JobEvent::kPhaseFinished:
      if (!live()) return;
      ClearProgress();
      out_ << RenderPhaseLine(event.phase_finished()) << '\n';
      break;
    case v1::JobEvent::kFinished:
      Finish(event.finished());
      break;
    case v1::JobEvent::BODY_NOT_SET:
      break;  // an event kind from a newer daemon: nothing to show
  }
  out_.flush();
}

}  // namespace fta::cli
