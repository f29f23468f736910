#include "lib/ior/ior_output.h"

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "lib/core/status_macros.h"
#include "lib/ior/ior_output_internal.h"

namespace fta::ior {
namespace output_internal {

std::vector<absl::string_view> SplitLines(absl::string_view text) {
  std::vector<absl::string_view> lines = absl::StrSplit(text, '\n');
  // A final newline does not start another line.
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  for (absl::string_view& line : lines) absl::ConsumeSuffix(&line, "\r");
  return lines;
}

std::string Excerpt(absl::string_view line) {
  std::string out(absl::StripAsciiWhitespace(line));
  if (out.size() > 60) out = absl::StrCat(out.substr(0, 60), "...");
  return out;
}

absl::Status LineError(size_t line_number, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("line ", line_number, ": ", what));
}

}  // namespace output_internal

using output_internal::Excerpt;
using output_internal::SplitLines;

namespace {

constexpr size_t kMaxQuotedLines = 4;
constexpr size_t kMaxQuotedChars = 200;

// "11/24/2026 02:28:06: Process 0: FAILED in X, msg" -> "FAILED in X, msg",
// so the same failure on every rank is quoted once.
std::string WithoutRankPrefix(absl::string_view line) {
  size_t failed = line.find("FAILED in ");
  if (failed != absl::string_view::npos) return std::string(line.substr(failed));
  return std::string(line);
}

bool IsFailureLine(absl::string_view line) {
  if (absl::StartsWith(line, "ERROR:")) return true;
  if (absl::StrContains(line, "FAILED in ")) return true;
  if ((absl::StartsWith(line, "WARNING: write(") || absl::StartsWith(line, "WARNING: read(")) &&
      absl::StrContains(line, ") failed")) {
    return true;
  }
  if (absl::StrContains(line, "Assertion `") && absl::StrContains(line, "' failed")) return true;
  if (absl::StartsWith(line, "Error invalid argument:")) return true;
  if (line == "Invalid options") return true;
  if (absl::StartsWith(line, "Unrecognized parameter")) return true;
  return false;
}

}  // namespace

std::optional<std::string> FindIorFailure(absl::string_view output) {
  std::vector<std::string> quoted;
  std::set<std::string> seen;
  for (absl::string_view line : SplitLines(output)) {
    line = absl::StripAsciiWhitespace(line);
    if (!IsFailureLine(line)) continue;
    std::string text = WithoutRankPrefix(line);
    if (text.size() > kMaxQuotedChars) text = absl::StrCat(text.substr(0, kMaxQuotedChars), "...");
    if (!seen.insert(text).second) continue;
    if (quoted.size() < kMaxQuotedLines) quoted.push_back(text);
  }
  if (quoted.empty()) return std::nullopt;
  return absl::StrJoin(quoted, "; ");
}

absl::Status IorExitStatus(int exit_code, int signal, absl::string_view stdout_text, absl::string_view stderr_text) {
  if (exit_code == 0 && signal == 0) return absl::OkStatus();
  std::string how = signal != 0 ? absl::StrCat("ior killed by signal ", signal)
                                : absl::StrCat("ior exited with status ", exit_code);
  std::optional<std::string> failure = FindIorFailure(absl::StrCat(stdout_text, "\n", stderr_text));
  if (failure) return absl::AbortedError(absl::StrCat(how, ": ", *failure));
  std::vector<absl::string_view> err_lines = SplitLines(stderr_text);
  if (!err_lines.empty()) return absl::AbortedError(absl::StrCat(how, ": ", Excerpt(err_lines.front())));
  return absl::AbortedError(how);
}

absl::StatusOr<IorRun> ParseIorOutput(absl::string_view text) {
  // -O summaryFile=FILE: rank 0 announces the file on stdout first. The line
  // is blanked (not cut) so that line numbers in errors stay the file's.
  std::string without_announcement;
  constexpr absl::string_view kAnnouncement = "Writing output to ";
  if (absl::StartsWith(text, kAnnouncement)) {
    const size_t end = std::min(text.find('\n'), text.size());
    absl::string_view file = absl::StripAsciiWhitespace(text.substr(kAnnouncement.size(), end - kAnnouncement.size()));
    without_announcement = std::string(text.substr(end));
    if (absl::StripAsciiWhitespace(without_announcement).empty()) {
      return output_internal::LineError(
          1, absl::StrCat("IOR wrote its summary to ", file, ", not here: import ", file, " instead"));
    }
    text = without_announcement;
  }
  absl::string_view body = absl::StripLeadingAsciiWhitespace(text);
  if (absl::StartsWith(body, "{")) return ParseIorJson(text);
  if (absl::StartsWith(body, "access,rank,")) {
    return output_internal::LineError(
        1 + static_cast<size_t>(std::count(text.begin(), text.end() - body.size(), '\n')),
        "this is IOR's per-rank CSV (saveRankPerformanceDetailsCSV): give it right after its run's output");
  }
  if (absl::StartsWith(body, "access,")) return ParseIorCsv(text);
  return ParseIorText(text);
}

std::vector<IorRun> SplitIorTests(const IorRun& run) {
  std::set<int> ids;
  for (const IorResultRow& row : run.results) ids.insert(row.test_id);
  if (ids.size() <= 1) return {run};
  std::vector<IorRun> tests;
  for (int id : ids) {
    IorRun test = run;
    test.results.clear();
    test.removes.clear();
    test.summary.clear();
    test.max_write.reset();
    test.max_read.reset();
    test.test_options = {{id, run.test_options.count(id) ? run.test_options.at(id) : run.options}};
    test.options = test.test_options[id];
    for (const IorResultRow& row : run.results) {
      if (row.test_id == id) test.results.push_back(row);
    }
    for (const IorRemoveRow& row : run.removes) {
      if (row.test_id == id) test.removes.push_back(row);
    }
    for (const IorSummaryRow& row : run.summary) {
      if (row.test_id == id) test.summary.push_back(row);
    }
    tests.push_back(std::move(test));
  }
  return tests;
}

}  // namespace fta::ior
