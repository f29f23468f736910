// Reading what the real IOR binary writes: its default text output, its
// JSON summary (-O summaryFormat=JSON), its CSV summary (-O
// summaryFormat=CSV) and its per-rank CSV (-O saveRankPerformanceDetailsCSV),
// as IOR 4.x prints them (facts in docs/ior-reference.md §4-§6). A run of
// several tests (-f SCRIPT with several RUN blocks) parses into one IorRun
// whose rows carry their test id; SplitIorTests() makes one run per test.
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
  int test_id = 0;  // IOR's TestID (0 unless -f ran several tests)
};

// A "remove" row (printed only with -v and without -k).
struct IorRemoveRow {
  int iteration = 0;
  double total_seconds = 0;
  int test_id = 0;
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
  int test_id = 0;            // Test# / TestID
};

// "Max Write: X MiB/sec (Y MB/sec)" (text, -v) or the JSON "max" object.
struct IorMax {
  double mib = 0;
  double mb = 0;
};

struct IorRun {
  // kCsv: IOR's CSV has no header, options or summary; the summary rows are
  // computed from its result rows the way IOR computes its own (max, min,
  // mean, population stddev) and the segment count is inferred from the
  // bandwidth x time of the longest row (IOR prints no byte count in CSV).
  enum class Format { kText, kJson, kCsv };
  Format format = Format::kText;
  std::string version;       // "4.1.0+dev"
  std::string began;
  std::string command_line;  // as IOR printed it (JSON strings are not escaped by IOR)
  std::string machine;
  std::string finished;
  // The "Options:" block (text) / "Options" object (JSON), values as printed.
  std::map<std::string, std::string> options;
  std::map<int, std::map<std::string, std::string>> test_options;  // the same, per test id
  std::vector<IorResultRow> results;
  std::vector<IorRemoveRow> removes;
  std::vector<IorSummaryRow> summary;
  std::optional<IorMax> max_write;
  std::optional<IorMax> max_read;
};

// Sniffs the format ('{' first: JSON; IOR's CSV header: CSV; else text) and
// parses it. IOR's "Writing output to FILE" line (printed on stdout when
// -O summaryFile=FILE) is skipped; when nothing else follows it the answer
// is INVALID_ARGUMENT "line 1: ... import FILE instead". A per-rank CSV is
// refused here (it belongs next to its run, see ParseIorRankCsv).
absl::StatusOr<IorRun> ParseIorOutput(absl::string_view text);
absl::StatusOr<IorRun> ParseIorText(absl::string_view text);
// IOR's log lines printed inside its JSON (stonewall wear-out's "stonewalling
// pairs accessed ...", WARNING: lines) are skipped.
absl::StatusOr<IorRun> ParseIorJson(absl::string_view text);
absl::StatusOr<IorRun> ParseIorCsv(absl::string_view text);

// One run per IOR test in `run`, in test order, each with the header fields,
// that test's options and only its rows. max_write/max_read stay only on a
// single-test run.
std::vector<IorRun> SplitIorTests(const IorRun& run);

// One row of the per-rank CSV (-O saveRankPerformanceDetailsCSV=FILE):
// "access,rank,runtime-with-openclose,runtime,throughput-withopenclose,throughput".
// IOR appends one row per rank after every phase of every iteration and test.
struct IorRankDetail {
  std::string access;  // "write" | "read"
  int rank = 0;
  double total_seconds = 0;              // open start .. close end
  double access_seconds = 0;             // first to last transfer
  double bytes_per_second_total = 0;     // the rank's bytes / total_seconds
  double bytes_per_second_access = 0;    // the rank's bytes / access_seconds
  size_t line = 0;                       // 1-based line in the CSV, for errors
};
absl::StatusOr<std::vector<IorRankDetail>> ParseIorRankCsv(absl::string_view text);

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
