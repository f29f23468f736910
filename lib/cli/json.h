// JSON output for `-o json`: exactly one document per command.
//
// Field names are the proto names (snake_case, as in the .proto files and in
// grpcurl's output) and fields at their default value are printed too, so a
// script can read `state` or `bytes` without guarding against absence. As in
// proto3 JSON, 64-bit integers are strings; enums are ftactl's words
// (lib/cli/enum_words.h: "completed", "process"), as in the tables.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "google/protobuf/message.h"

namespace fta::cli {

// Indented JSON ending in '\n'. INTERNAL if protobuf refuses the message.
absl::StatusOr<std::string> ToJson(const google::protobuf::Message& message);

}  // namespace fta::cli
