// A job's IorSpec checked before anything starts: sizes parsed, IOR's rules
// applied, the directory probed. Errors are INVALID_ARGUMENT (or
// FAILED_PRECONDITION) naming the field as the API and ftactl spell it.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "fta/v1/common.pb.h"
#include "lib/ior/ior_params.h"

namespace fta::hostd {

// IorSpec (strings, API defaults) -> validated IorParams. Errors are
// INVALID_ARGUMENT naming the field as the API and ftactl spell it.
absl::StatusOr<ior::IorParams> ParamsFromSpec(const fta::v1::IorSpec& spec);

// Checks the directory the way a rank would use it: exists, is a directory,
// a file can be created in it.
absl::Status CheckDirectoryWritable(const std::string& field, const std::string& path);
// Only what can be said without seeing the FTA's filesystem: absolute.
absl::Status CheckDirectoryAbsolute(const std::string& field, const std::string& path);

}  // namespace fta::hostd
