// The shared end of ftactl's followed event streams (ior run / job watch,
// sweep start / watch / resume): read to the end, then explain a stream
// that ended without its finished event.
#pragma once

#include <iostream>
#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "lib/cli/args.h"
#include "lib/cli/connection.h"
#include "lib/core/rpc_status.h"

namespace fta::client {

// Opens the server stream `open` of `stub` (without deadline, see
// cli::Connection) and returns what `follow(reader)` returns.
template <typename Stub, typename Request, typename Event, typename Follow>
int FollowStream(Stub& stub,
                 std::unique_ptr<grpc::ClientReader<Event>> (Stub::*open)(grpc::ClientContext*, const Request&),
                 const Request& request, Follow follow) {
  grpc::ClientContext context;
  std::unique_ptr<grpc::ClientReader<Event>> reader = (stub.*open)(&context, request);
  return follow(*reader);
}

// Feeds every event to `view` (cli::JobEventView, cli::SweepEventView), ends
// the view and returns the stream's status.
template <typename Event, typename View>
grpc::Status ReadEvents(grpc::ClientReader<Event>& reader, View& view) {
  Event event;
  while (reader.Read(&event)) view.Consume(event);
  view.End();
  return reader.Finish();
}

// For a stream without its finished event: prints the RPC error, or that the
// stream ended early, with how to reattach to `noun` `id` (which may still
// run), and returns the exit code.
inline int ReportUnfinished(const grpc::Status& status, const std::string& noun, const std::string& id) {
  std::string reattach =
      id.empty() ? "" : absl::StrCat(" (", noun, " ", id, " may still run: 'ftactl ", noun, " watch ", id, "')");
  if (!status.ok()) {
    std::cerr << cli::FormatError(FromGrpcStatus(status)) << reattach << '\n';
  } else {
    std::cerr << "ftactl: the event stream ended before the " << noun << " finished" << reattach << '\n';
  }
  return cli::kExitError;
}

// For a finished `noun` whose verdict is not success (`exit_code` from
// cli::ExitCodeForJob/ForSweep): says how it ended. Returns `exit_code`.
inline int ReportEnding(int exit_code, const std::string& noun, const std::string& id, const std::string& state,
                        const std::string& error) {
  if (exit_code != cli::kExitOk) {
    std::cerr << "ftactl: " << noun << " " << id << " ended " << state << (error.empty() ? "" : ": ") << error
              << '\n';
  }
  return exit_code;
}

// Follows `reader` to its end through a `View` (cli::JobEventView,
// cli::SweepEventView: live progress on stderr when ftactl draws it), then
// prints the finished `noun` with `table(finished)` as its text and returns
// `ending(finished)`, the exit code. A stream that ended without it is
// reported by ReportUnfinished.
template <typename View, typename Event, typename Table, typename Ending>
int FollowToEnd(const cli::Connection& connection, grpc::ClientReader<Event>& reader, const std::string& noun,
                Table table, Ending ending) {
  View view(std::cerr, connection.options().live ? View::Mode::kLive : View::Mode::kQuiet);
  grpc::Status status = ReadEvents(reader, view);
  if (!view.finished()) return ReportUnfinished(status, noun, view.id());
  // The finished event is the verdict; a transport error after it changes nothing.
  const auto& finished = *view.finished();
  int printed = connection.Emit(finished, [&] { return table(finished); });
  if (printed != cli::kExitOk) return printed;
  return ending(finished);
}

}  // namespace fta::client
