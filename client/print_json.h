// ftactl's -o json output: one message as one JSON document on stdout.
#pragma once

#include <google/protobuf/message.h>

#include <iostream>
#include <string>

#include "absl/status/statusor.h"
#include "lib/cli/args.h"
#include "lib/cli/json.h"

namespace fta::client {

// Returns the exit code; a message that cannot be converted is reported on
// stderr and prints nothing.
inline int PrintJson(const google::protobuf::Message& message) {
  absl::StatusOr<std::string> json = cli::ToJson(message);
  if (!json.ok()) {
    std::cerr << cli::FormatError(json.status()) << '\n';
    return cli::kExitError;
  }
  std::cout << *json << std::flush;
  return cli::kExitOk;
}

}  // namespace fta::client
