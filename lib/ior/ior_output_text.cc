// IOR's text report: the Results table (one row per access and iteration),
// the remove rows, the Summary of all tests and the "Max Write/Read" lines.
#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "lib/ior/ior_output.h"
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
namespace {

using output_internal::Excerpt;
using output_internal::LineError;
using output_internal::SplitLines;

// Number cells: PPDouble prints negative values as "-"; "inf"/"nan" are what
// printf makes of a zero-time division.
bool ParseCell(absl::string_view cell, double* value) {
  if (cell == "-") {
    *value = 0;
    return true;
  }
  return absl::SimpleAtod(cell, value);
}

bool ParseInt(absl::string_view cell, int64_t* value) { return absl::SimpleAtoi(cell, value); }

// "Key                 : value" (printed "%-20s: %s").
bool SplitKeyValue(absl::string_view line, std::string* key, std::string* value) {
  size_t colon = line.find(": ");
  if (colon == absl::string_view::npos) {
    if (absl::EndsWith(line, ":")) colon = line.size() - 1;  // "apiVersion          : "
    else return false;
  }
  *key = std::string(absl::StripAsciiWhitespace(line.substr(0, colon)));
  *value = colon + 2 <= line.size() ? std::string(absl::StripAsciiWhitespace(line.substr(colon + 2))) : "";
  return !key->empty();
}

std::vector<absl::string_view> Cells(absl::string_view line) {
  return absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
}

absl::StatusOr<IorResultRow> ParseResultRow(size_t n, const std::vector<absl::string_view>& cells) {
  constexpr size_t kColumns = 11;
  if (cells.size() != kColumns) {
    return LineError(n, absl::StrCat("Results row has ", cells.size(), " columns, expected ", kColumns));
  }
  IorResultRow row;
  row.access = std::string(cells[0]);
  double* fields[] = {&row.bandwidth_mib, &row.iops,         &row.latency_seconds, &row.block_kib,
                      &row.transfer_kib,  &row.open_seconds, &row.xfer_seconds,    &row.close_seconds,
                      &row.total_seconds};
  for (size_t i = 0; i < 9; ++i) {
    if (!ParseCell(cells[i + 1], fields[i])) {
      return LineError(n, absl::StrCat("Results row: \"", std::string(cells[i + 1]), "\" is not a number"));
    }
  }
  int64_t iteration = 0;
  if (!ParseInt(cells[10], &iteration) || iteration < 0) {
    return LineError(n, absl::StrCat("Results row: iteration \"", std::string(cells[10]), "\" is not a count"));
  }
  row.iteration = static_cast<int>(iteration);
  return row;
}

absl::StatusOr<IorRemoveRow> ParseRemoveRow(size_t n, const std::vector<absl::string_view>& cells) {
  if (cells.size() != 11) {
    return LineError(n, absl::StrCat("remove row has ", cells.size(), " columns, expected 11"));
  }
  IorRemoveRow row;
  int64_t iteration = 0;
  if (!ParseCell(cells[9], &row.total_seconds) || !ParseInt(cells[10], &iteration)) {
    return LineError(n, "remove row: total(s) or iter is not a number");
  }
  row.iteration = static_cast<int>(iteration);
  return row;
}

absl::StatusOr<IorSummaryRow> ParseSummaryRow(size_t n, const std::vector<absl::string_view>& cells) {
  // Operation, 8 bandwidth/ops figures, Mean(s), Stonewall(s), Stonewall(MiB),
  // Test# #Tasks tPN reps fPP reord reordoff reordrand seed segcnt blksiz
  // xsize aggs(MiB) API RefNum.
  constexpr size_t kColumns = 27;
  if (cells.size() != kColumns) {
    return LineError(n, absl::StrCat("Summary row has ", cells.size(), " columns, expected ", kColumns));
  }
  IorSummaryRow row;
  row.operation = std::string(cells[0]);
  double* figures[] = {&row.max_mib, &row.min_mib, &row.mean_mib,   &row.stddev_mib,  &row.max_ops,
                       &row.min_ops, &row.mean_ops, &row.stddev_ops, &row.mean_seconds};
  for (size_t i = 0; i < 9; ++i) {
    if (!ParseCell(cells[i + 1], figures[i])) {
      return LineError(n, absl::StrCat("Summary row: \"", std::string(cells[i + 1]), "\" is not a number"));
    }
  }
  struct IntColumn {
    size_t index;
    int64_t* target;
  };
  for (IntColumn c : {IntColumn{13, &row.tasks}, IntColumn{14, &row.tasks_per_node}, IntColumn{15, &row.repetitions},
                      IntColumn{21, &row.segments}, IntColumn{22, &row.block_size},
                      IntColumn{23, &row.transfer_size}}) {
    if (!ParseInt(cells[c.index], c.target)) {
      return LineError(n, absl::StrCat("Summary row: \"", std::string(cells[c.index]), "\" is not an integer"));
    }
  }
  if (!ParseCell(cells[24], &row.aggregate_mib)) {
    return LineError(n, absl::StrCat("Summary row: \"", std::string(cells[24]), "\" is not a number"));
  }
  row.api = std::string(cells[25]);
  return row;
}

// "Max Write: 1291.73 MiB/sec (1354.48 MB/sec)"
absl::StatusOr<IorMax> ParseMaxLine(size_t n, absl::string_view rest) {
  std::vector<absl::string_view> cells = Cells(rest);
  IorMax max;
  if (cells.size() != 4 || cells[1] != "MiB/sec" || !absl::ConsumePrefix(&cells[2], "(") ||
      !ParseCell(cells[0], &max.mib) || !ParseCell(cells[2], &max.mb)) {
    return LineError(n, absl::StrCat("expected \"Max ...: <x> MiB/sec (<y> MB/sec)\", got \"", Excerpt(rest), "\""));
  }
  return max;
}

// Checks that every operation with rows has its summary row.
absl::Status CheckComplete(const IorRun& run, size_t last_line) {
  if (run.results.empty()) return LineError(last_line, "no write or read rows in the Results table");
  std::set<std::string> measured;
  for (const IorResultRow& row : run.results) measured.insert(row.access);
  std::set<std::string> summarised;
  for (const IorSummaryRow& row : run.summary) summarised.insert(row.operation);
  for (const std::string& access : measured) {
    if (summarised.count(access) == 0) {
      return LineError(last_line, absl::StrCat("no summary row for \"", access, "\""));
    }
  }
  return absl::OkStatus();
}

enum class Section { kHeader, kOptions, kBeforeTable, kRows, kSummaryHeader, kSummaryRows, kDone };

// One line of the Results table (or what may sit between its rows).
absl::Status ParseResultsLine(size_t n, absl::string_view line, absl::string_view trimmed, IorRun* run,
                              Section* section) {
  if (trimmed.empty() || absl::StartsWith(trimmed, "------") || absl::StartsWith(trimmed, "WARNING:") ||
      absl::StartsWith(trimmed, "stonewalling pairs") || absl::StartsWith(trimmed, "Pairs deadline")) {
    return absl::OkStatus();
  }
  if (trimmed == "Summary of all tests:") {
    *section = Section::kSummaryHeader;
    return absl::OkStatus();
  }
  if (absl::ConsumePrefix(&trimmed, "Max Write:")) {
    FTA_ASSIGN_OR_RETURN(run->max_write, ParseMaxLine(n, trimmed));
    return absl::OkStatus();
  }
  if (absl::ConsumePrefix(&trimmed, "Max Read:")) {
    FTA_ASSIGN_OR_RETURN(run->max_read, ParseMaxLine(n, trimmed));
    return absl::OkStatus();
  }
  std::vector<absl::string_view> cells = Cells(trimmed);
  if (cells[0] == "write" || cells[0] == "read") {
    FTA_ASSIGN_OR_RETURN(IorResultRow row, ParseResultRow(n, cells));
    run->results.push_back(row);
  } else if (cells[0] == "remove") {
    FTA_ASSIGN_OR_RETURN(IorRemoveRow row, ParseRemoveRow(n, cells));
    run->removes.push_back(row);
  } else {
    return LineError(n, absl::StrCat("unexpected text in the Results table: \"", Excerpt(line), "\""));
  }
  return absl::OkStatus();
}

// One line of the Summary table, or the closing "Finished" line.
absl::Status ParseSummaryLine(size_t n, absl::string_view line, absl::string_view trimmed, IorRun* run,
                              Section* section) {
  if (trimmed.empty()) return absl::OkStatus();
  std::string key;
  std::string value;
  if (SplitKeyValue(line, &key, &value) && key == "Finished") {
    run->finished = value;
    *section = Section::kDone;
    return absl::OkStatus();
  }
  std::vector<absl::string_view> cells = Cells(trimmed);
  if (cells[0] != "write" && cells[0] != "read") {
    return LineError(n, absl::StrCat("unexpected text in the Summary table: \"", Excerpt(line), "\""));
  }
  FTA_ASSIGN_OR_RETURN(IorSummaryRow row, ParseSummaryRow(n, cells));
  run->summary.push_back(row);
  return absl::OkStatus();
}

// Advances `section` by one line of the document after its first.
absl::Status ParseLine(size_t n, absl::string_view line, IorRun* run, Section* section) {
  absl::string_view trimmed = absl::StripAsciiWhitespace(line);
  std::string key;
  std::string value;
  switch (*section) {
    case Section::kHeader:
      if (trimmed == "Options:") {
        *section = Section::kOptions;
      } else if (SplitKeyValue(line, &key, &value)) {
        if (key == "Began") run->began = value;
        if (key == "Command line") run->command_line = value;
        if (key == "Machine") run->machine = value;
      }
      return absl::OkStatus();
    case Section::kOptions:
      if (trimmed == "Results:") {
        *section = Section::kBeforeTable;
      } else if (!trimmed.empty() && SplitKeyValue(line, &key, &value)) {
        run->options[key] = value;
      }
      return absl::OkStatus();
    case Section::kBeforeTable:
      if (trimmed.empty()) return absl::OkStatus();
      if (!absl::StartsWith(trimmed, "access") || !absl::StrContains(trimmed, "bw(MiB/s)")) {
        return LineError(n, absl::StrCat("expected the Results table header, got \"", Excerpt(line), "\""));
      }
      *section = Section::kRows;
      return absl::OkStatus();
    case Section::kRows:
      return ParseResultsLine(n, line, trimmed, run, section);
    case Section::kSummaryHeader:
      if (!absl::StartsWith(trimmed, "Operation")) {
        return LineError(n, absl::StrCat("expected the Summary table header, got \"", Excerpt(line), "\""));
      }
      *section = Section::kSummaryRows;
      return absl::OkStatus();
    case Section::kSummaryRows:
      return ParseSummaryLine(n, line, trimmed, run, section);
    case Section::kDone:
      return absl::OkStatus();
  }
  return absl::OkStatus();
}

// The error for a document that ends in `section` (OK once it is done).
absl::Status CheckEnded(Section section, size_t last) {
  switch (section) {
    case Section::kDone:
      return absl::OkStatus();
    case Section::kHeader:
    case Section::kOptions:
      return LineError(last, "output ends before the Results table (truncated?)");
    case Section::kBeforeTable:
    case Section::kRows:
      return LineError(last, "output ends inside the Results table, before \"Summary of all tests:\" (truncated?)");
    case Section::kSummaryHeader:
    case Section::kSummaryRows:
      return LineError(last, "output ends inside the Summary table, before the \"Finished\" line (truncated?)");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<IorRun> ParseIorText(absl::string_view text) {
  if (std::optional<std::string> failure = FindIorFailure(text)) {
    return absl::AbortedError(absl::StrCat("ior failed: ", *failure));
  }
  std::vector<absl::string_view> lines = SplitLines(text);
  if (lines.empty()) return LineError(1, "empty input, not IOR output");
  absl::string_view first = lines[0];
  size_t colon = first.find(": ");
  if (!absl::StartsWith(first, "IOR-") || colon == absl::string_view::npos) {
    return LineError(1, absl::StrCat("not IOR output: expected \"IOR-<version>: ...\", got \"", Excerpt(first), "\""));
  }
  IorRun run;
  run.format = IorRun::Format::kText;
  run.version = std::string(first.substr(4, colon - 4));
  Section section = Section::kHeader;
  for (size_t i = 1; i < lines.size() && section != Section::kDone; ++i) {
    FTA_RETURN_IF_ERROR(ParseLine(i + 1, lines[i], &run, &section));
  }
  FTA_RETURN_IF_ERROR(CheckEnded(section, lines.size()));
  FTA_RETURN_IF_ERROR(CheckComplete(run, lines.size()));
  return run;
}

}  // namespace fta::ior
