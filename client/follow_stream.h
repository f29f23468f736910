// The shared end of ftactl's followed event streams (ior run / job watch,
// sweep start / watch / resume): read to the end, then explain a stream
// that ended without its finished event.
#pragma once

#include <iostream>
#include <string>

#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "lib/cli/args.h"
#include "lib/core/rpc_status.h"

namespace fta::client {

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

}  // namespace fta::client
