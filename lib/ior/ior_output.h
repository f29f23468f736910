// Reading what the real IOR binary writes: its default text output and its
// JSON summary (-O summaryFormat=JSON), as IOR 4.x prints them (facts in
// docs/ior-reference.md §4-§6).
//
//   absl::StatusOr<IorRun> run = ParseIorOutput(file_contents);
//   if (!run.ok()) ...;            // INVALID_ARGUMENT "line 12: ..." or IOR's own error
//   for (const IorResultRow& row : run->results) ...   // one per phase per iteration
//
// Outcomes:
//  * A successful run parses into IorRun.
//  * Output of a failed IOR run (ERROR: lines, "FAILED in", an abort after
//    "WARNING: write(...) failed", "Invalid options", "Unrecognized
//    parameter") is ABORTED with a message quoting IOR: "ior failed: ERROR:
//    block size must be a multiple of transfer size, (ior.c:1520)".
//  * Anything else that is not a complete IOR output (foreign text,
//    truncated files, broken rows) is INVALID_ARGUMENT naming the line:
//    "line 37: output ends inside the Summary table (no 'Finished' line)".
//
// Nothing here touches files or processes; callers pass the text.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace fta::ior {

// One row of the "Results:" table (text) or one "Results" object (JSON).
struct IorResultRow {
  std::string access;  // "write" | "read"
  int iteration = 0;   // text: last column; JSON: count of earlier rows of this access
  double bandwidth_mib = 0;
  double iops = 0;
  double latency_seconds = 0;
  double block_kib = 0;
  double transfer_kib = 0;
  double open_seconds = 0;
  double xfer_seconds = 0;  // wr/rd(s)
  double close_seconds = 0;
  double total_seconds = 0;
};

// A "remove" row (printed only with -v and without -k).
struct IorRemoveRow {
  int iteration = 0;
  double total_seconds = 0;
};

// One row of "Summary of all tests:" (text) or one "summary" object (JSON).
struct IorSummaryRow {
  std::string operation;  // "write" | "read"
  double max_mib = 0;
  double min_mib = 0;
  double mean_mib = 0;
  double stddev_mib = 0;
  double max_ops = 0;
  double min_ops = 0;
  double mean_ops = 0;
  double stddev_ops = 0;
  double mean_seconds = 0;
  int64_t tasks = 0;
  int64_t tasks_per_node = 0;
  int64_t repetitions = 0;
  int64_t segments = 0;
  int64_t block_size = 0;     // bytes
  int64_t transfer_size = 0;  // bytes
  double aggregate_mib = 0;   // aggs(MiB) / xsizeMiB
  std::string api;
};

// "Max Write: X MiB/sec (Y MB/sec)" (text, -v) or the JSON "max" object.
struct IorMax {
  double mib = 0;
  double mb = 0;
};

struct IorRun {
  enum class Format { kText, kJson };
  Format format = Format::kText;
  std::string version;       // "4.1.0+dev"
  std::string began;
  std::string command_line;  // as IOR printed it (JSON strings are not escaped by IOR)
  std::string machine;
  std::string finished;
  // The "Options:" block (text) / "Options" object (JSON), values as printed.
  std::map<std::string, std::string> options;
  std::vector<IorResultRow> results;
  std::vector<IorRemoveRow> removes;
  std::vector<IorSummaryRow> summary;
  std::optional<IorMax> max_write;
  std::optional<IorMax> max_read;
};

// Sniffs the format ('{' first: JSON, else text) and parses it.
absl::StatusOr<IorRun> ParseIorOutput(absl::string_view text);
absl::StatusOr<IorRun> ParseIorText(absl::string_view text);
absl::StatusOr<IorRun> ParseIorJson(absl::string_view text);

// IOR's own failure report in `output` (stdout, optionally followed by
// stderr), as one line-per-message quote, or nullopt when it holds none.
// Repeated identical lines (one per rank) are quoted once.
std::optional<std::string> FindIorFailure(absl::string_view output);

// The status for an IOR process that exited with `exit_code` (or was killed
// by `signal`, 0 when not): ABORTED quoting FindIorFailure(stdout+stderr),
// else naming the exit code ("ior exited with status 255" / "ior killed by
// signal 6"). Exit code 0 and no signal is OK.
absl::Status IorExitStatus(int exit_code, int signal, absl::string_view stdout_text,
                           absl::string_view stderr_text);

}  // namespace fta::ior
