// IorSpec (the API's job description) -> IorParams: the one reading of a
// spec, shared by fta-hostd (once per job, before anything starts) and
// fta-agent (on its part), and the one check of a job's directory.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "fta/v1/common.pb.h"
#include "lib/ior/ior_params.h"

namespace fta::ior {

// Copies -Y -z (seed) -D --stonewall-wear-out --delay -T -g -u --odirect
// from `spec` into `params`. Negative numbers are INVALID_ARGUMENT naming the
// field; everything else is left to Validate().
absl::Status ApplyEngineOptions(const fta::v1::IorSpec& spec, IorParams* params);

// Sizes parsed, IOR's defaults applied (-s, -i, -Q of 0 mean 1; neither -w
// nor -r means both; file name "testfile"), engine options, ranks_per_fta and
// engine name checked, then Validate(). Errors are INVALID_ARGUMENT naming
// the field as the API and ftactl spell it ("transfer_size (-t): ...").
absl::StatusOr<IorParams> ResolveSpec(const fta::v1::IorSpec& spec);

// The directory as this host sees it: absolute and not a system directory
// (CheckNotSystemDirectory: the only checks possible without seeing the
// FTA's file system) ...
absl::Status CheckDirectoryAbsolute(const std::string& field, const std::string& path);
// ... and usable the way a rank uses it: exists, is a directory and not a
// symbolic link (FAILED_PRECONDITION), a file can be created in it.
// INVALID_ARGUMENT naming `field`, path and reason.
absl::Status CheckDirectoryWritable(const std::string& field, const std::string& path);

}  // namespace fta::ior
