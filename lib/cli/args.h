// Parsing of the ftactl arguments that need more than CLI11's type checks,
// and the process exit codes scripts rely on.
//
//   ParseTargets("fta-1,fta-3")        -> {"fta-1", "fta-3"}
//   ParseEndpoint("unix:/run/x.sock")  -> "unix:/run/x.sock"
//   ParseEndpoint("node7:7443")        -> "node7:7443"
//
// Errors are INVALID_ARGUMENT and name the flag ("--on: ...", "--host: ..."),
// so main can print them as usage errors.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace fta::cli {

// Exit codes are part of the CLI contract: scripts branch on them.
inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;       // RPC or local failure
inline constexpr int kExitUsage = 2;       // bad command line (CLI11's code)
inline constexpr int kExitJobFailed = 3;   // job ended FAILED, PARTIAL or CANCELLED

inline constexpr char kDefaultEndpoint[] = "unix:/run/fta-hostd/control.sock";

// `--on all|native|owner:NAME|ID,ID,...` as RunIorRequest.on. "all",
// "native" and "owner:NAME" stand alone; ids are comma separated, non-empty, without blanks, not repeated.
// Whether an id exists is the daemon's call, not ours.
absl::StatusOr<std::vector<std::string>> ParseTargets(const std::string& text);

// `--host unix:PATH|HOST:PORT` as a gRPC target string. An absolute path is
// taken as a unix socket, and gRPC's own schemes (dns:, ipv4:, ipv6:,
// unix-abstract:) pass through untouched for the odd expert setup.
absl::StatusOr<std::string> ParseEndpoint(const std::string& text);

// The --host default: $FTA_HOST when set and non-empty, else kDefaultEndpoint.
// Takes the variable's value (may be null) so tests need not touch the env.
std::string DefaultEndpoint(const char* fta_host_env);

// `--start-at TIME` as unix ms: RFC 3339 ("2026-12-02T04:10:00Z",
// "...T05:10:00.250+01:00") or unix seconds ("1796184600", "1796184600.25").
// Whether it is too close or too far is the daemon's call (it owns the clock
// the job runs by). INVALID_ARGUMENT names --start-at.
absl::StatusOr<int64_t> ParseStartAt(const std::string& text);

// "ftactl: <CODE_NAME>: <message>", the one error line every verb prints.
std::string FormatError(const absl::Status& status);

}  // namespace fta::cli
