// FTA owners: the label a scheduler puts on the FTAs it allocates for one of
// its jobs ("slurm:1234"), so it can run on them and release them by that
// label without keeping FTA ids (its prolog and epilog are separate
// processes). Validated once here for every entry point.
//
//   FTA_RETURN_IF_ERROR(ValidateOwner(request.owner(), "owner"));
//   if (IsOwnerTarget("owner:slurm:1234")) ...   // --on owner:NAME
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace fta::hostd {

inline constexpr size_t kMaxOwnerLength = 128;
// `ior run --on owner:NAME` runs on every ready FTA of NAME.
inline constexpr char kOwnerTargetPrefix[] = "owner:";

// OK for "" (no owner) and for 1-128 characters of [A-Za-z0-9_.:@-];
// otherwise INVALID_ARGUMENT naming `field` and what is wrong. The charset
// keeps owners safe in file names, log lines and shell-free argv.
absl::Status ValidateOwner(absl::string_view owner, absl::string_view field);

// "owner:NAME" -> NAME; "" for other targets.
std::string OwnerOfTarget(absl::string_view target);

}  // namespace fta::hostd
