// What following a job's or a sweep's event stream shares (JobEventView,
// SweepEventView): a progress line redrawn in place, the id of what is
// followed, and the finished message once it arrives. A view writes only to
// the stream it is given: ftactl passes stderr (stdout stays clean for the
// final table or JSON), tests a std::ostringstream.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <optional>
#include <ostream>
#include <string>

#include "lib/cli/args.h"
#include "lib/cli/table.h"

namespace fta::cli {

// The exit code of a followed job or sweep from its final `state`: kExitOk
// when it is `completed`, kExitJobFailed when it is one of the other
// `endings` (failed, partial, cancelled, interrupted), kExitError for a
// state that is no ending (a daemon bug, not a verdict).
template <typename State>
int ExitCodeForState(State state, State completed, std::initializer_list<State> endings) {
  if (state == completed) return kExitOk;
  for (State ending : endings) {
    if (state == ending) return kExitJobFailed;
  }
  return kExitError;
}

template <typename Finished>
class EventView {
 public:
  enum class Mode {
    kQuiet,  // track only: JSON output or not a terminal
    kLive,   // draw progress and the permanent lines
  };

  // Erases a pending progress line so whatever is printed next starts clean.
  void End() {
    ClearProgress();
    out_.flush();
  }

  // The message of the `finished` event, if one arrived.
  const std::optional<Finished>& finished() const { return finished_; }

  // Known once `started` (or `finished`) arrived; "" before.
  const std::string& id() const { return id_; }

 protected:
  EventView(std::ostream& out, Mode mode) : out_(out), mode_(mode) {}

  bool live() const { return mode_ == Mode::kLive; }

  void Finish(const Finished& finished) {
    finished_ = finished;
    if (id_.empty()) id_ = finished.id();
    if (live()) ClearProgress();
  }

  // Pads with blanks instead of an ANSI erase so dumb terminals and log
  // captures of a tty (script(1)) stay readable.
  void DrawProgress(const std::string& line) {
    size_t width = DisplayWidth(line);
    out_ << '\r' << line;
    if (width < progress_width_) out_ << std::string(progress_width_ - width, ' ');
    progress_width_ = width;
  }

  void ClearProgress() {
    if (progress_width_ == 0) return;
    out_ << '\r' << std::string(progress_width_, ' ') << '\r';
    progress_width_ = 0;
  }

  std::ostream& out_;
  std::string id_;

 private:
  Mode mode_;
  std::optional<Finished> finished_;
  size_t progress_width_ = 0;  // visible width of the line currently drawn
};

}  // namespace fta::cli
