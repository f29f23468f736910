// Size caps on what the control API accepts: every string and bytes field of
// a request, nested messages included, has a limit chosen by its name, so a
// 3 MB file name or a 1 MB id is refused before anything stores, logs or
// echoes it.
//
//   if (absl::Status s = CheckRequestLimits(*request); !s.ok()) return ToGrpcStatus(s);
//   // INVALID_ARGUMENT "spec.file_name: 3145728 bytes, at most 255 (starts \"aaaa...\")"
//
// Limits (bytes): ids, FTA ids, `on` targets, owners, hosts 128; file names
// 255 (NAME_MAX); directories 4095 (PATH_MAX - 1); sizes ("64k") 64; page
// tokens 512; error texts 65536; imported IOR output and rank details 16 MiB;
// every other string 4096. A repeated string field holds at most 4096 items.
#pragma once

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"

namespace fta {

// The limit applied to a string field called `field_name`.
size_t StringLimitFor(absl::string_view field_name);

// OK, or INVALID_ARGUMENT naming the first field over its limit (its path as
// "spec.file_name", "on[3]") with the size, the limit and a truncated echo.
absl::Status CheckRequestLimits(const google::protobuf::Message& request);

// `text` cut to `max_bytes` with "..." and the full length appended when
// longer, for error messages and logs that quote input.
std::string TruncatedEcho(absl::string_view text, size_t max_bytes = 64);

}  // namespace fta

// In a handler: return INVALID_ARGUMENT when `request` breaks a limit.
#define FTA_RPC_CHECK_LIMITS(request)                                                \
  do {                                                                               \
    ::absl::Status fta_limits_ = ::fta::CheckRequestLimits(*(request));              \
    if (!fta_limits_.ok()) return ::grpc::Status(::grpc::StatusCode::INVALID_ARGUMENT, \
                                                 std::string(fta_limits_.message()));  \
  } while (0)
