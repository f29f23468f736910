// Helpers shared by the IOR output parsers (ior_output.cc: failures and
// dispatch; ior_output_text.cc: IOR's text report; ior_output_json.cc: its
// JSON summary). Not part of the module's interface.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace fta::ior::output_internal {

// Lines without their newline (and a DOS "\r"); a final newline starts none.
std::vector<absl::string_view> SplitLines(absl::string_view text);
// The line, trimmed and cut to 60 characters, for error messages.
std::string Excerpt(absl::string_view line);
// INVALID_ARGUMENT "line N: what".
absl::Status LineError(size_t line_number, absl::string_view what);

}  // namespace fta::ior::output_internal
