// IOR's text report: the Results table (one row per access and iteration),
// the remove rows, the Summary of all tests and the "Max Write/Read" lines.
#include <cmath>
#include <initializer_list>
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

bool ParseTestId(absl::string_view cell, int* value) { return absl::SimpleAtoi(cell, value) && *value >= 0; }

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

// A table row of `columns` cells: its name, then `figures` in the cells after
// it. Errors name the line and the row kind ("Results", "Summary").
absl::Status ParseFigures(size_t n, absl::string_view kind, const std::vector<absl::string_view>& cells,
                          size_t columns, std::initializer_list<double*> figures) {
  if (cells.size() != columns) {
    return LineError(n, absl::StrCat(kind, " row has ", cells.size(), " columns, expected ", columns));
  }
  size_t i = 1;
  for (double* figure : figures) {
    if (!ParseCell(cells[i], figure)) {
      return LineError(n, absl::StrCat(kind, " row: \"", std::string(cells[i]), "\" is not a number"));
    }
    ++i;
  }
  return absl::OkStatus();
}

absl::StatusOr<IorResultRow> ParseResultRow(size_t n, const std::vector<absl::string_view>& cells) {
  IorResultRow row;
  FTA_RETURN_IF_ERROR(ParseFigures(n, "Results", cells, 11,
                                   {&row.bandwidth_mib, &row.iops, &row.latency_seconds, &row.block_kib,
                                    &row.transfer_kib, &row.open_seconds, &row.xfer_seconds, &row.close_seconds,
                                    &row.total_seconds}));
  row.access = std::string(cells[0]);
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
  IorSummaryRow row;
  FTA_RETURN_IF_ERROR(ParseFigures(n, "Summary", cells, 27,
                                   {&row.max_mib, &row.min_mib, &row.mean_mib, &row.stddev_mib, &row.max_ops,
                                    &row.min_ops, &row.mean_ops, &row.stddev_ops, &row.mean_seconds}));
  row.operation = std::string(cells[0]);
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
  int64_t test_id = 0;
  if (!ParseInt(cells[12], &test_id)) {
    return LineError(n, absl::StrCat("Summary row: Test# \"", std::string(cells[12]), "\" is not an integer"));
  }
  row.test_id = static_cast<int>(test_id);
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
  std::set<std::pair<int, std::string>> measured;
  for (const IorResultRow& row : run.results) measured.insert({row.test_id, row.access});
  std::set<std::pair<int, std::string>> summarised;
  for (const IorSummaryRow& row : run.summary) summarised.insert({row.test_id, row.operation});
  for (const auto& [test, access] : measured) {
    if (summarised.count({test, access}) == 0) {
      return LineError(last_line, absl::StrCat("no summary row for \"", access, "\"",
                                               test != 0 ? absl::StrCat(" of test ", test) : ""));
    }
  }
  return absl::OkStatus();
}

enum class Section { kHeader, kOptions, kBeforeTable, kRows, kSummaryHeader, kSummaryRows, kDone };

// One line of the Results table (rows, remove rows, Max lines, IOR's log
// lines) or what ends it: the Summary, or the next test of a -f script.
absl::Status ResultsTableLine(size_t n, absl::string_view line, Section& section, int& test_id, IorRun& run) {
  absl::string_view trimmed = absl::StripAsciiWhitespace(line);
  std::string key;
  std::string value;
  if (trimmed.empty() || absl::StartsWith(trimmed, "------") || absl::StartsWith(trimmed, "WARNING:") ||
      absl::StartsWith(trimmed, "stonewalling pairs") || absl::StartsWith(trimmed, "Pairs deadline")) {
    return absl::OkStatus();
  }
  if (trimmed == "Summary of all tests:") {
    section = Section::kSummaryHeader;
    return absl::OkStatus();
  }
  if (SplitKeyValue(line, &key, &value) && key == "TestID") {  // the next test of a -f script
    if (!ParseTestId(value, &test_id)) {
      return LineError(n, absl::StrCat("TestID \"", value, "\" is not an integer"));
    }
    section = Section::kHeader;
    return absl::OkStatus();
  }
  if (absl::ConsumePrefix(&trimmed, "Max Write:")) {
    FTA_ASSIGN_OR_RETURN(run.max_write, ParseMaxLine(n, trimmed));
    return absl::OkStatus();
  }
  if (absl::ConsumePrefix(&trimmed, "Max Read:")) {
    FTA_ASSIGN_OR_RETURN(run.max_read, ParseMaxLine(n, trimmed));
    return absl::OkStatus();
  }
  std::vector<absl::string_view> cells = Cells(trimmed);
  if (cells[0] == "write" || cells[0] == "read") {
    FTA_ASSIGN_OR_RETURN(IorResultRow row, ParseResultRow(n, cells));
    row.test_id = test_id;
    run.results.push_back(row);
  } else if (cells[0] == "remove") {
    FTA_ASSIGN_OR_RETURN(IorRemoveRow row, ParseRemoveRow(n, cells));
    row.test_id = test_id;
    run.removes.push_back(row);
  } else {
    return LineError(n, absl::StrCat("unexpected text in the Results table: \"", Excerpt(line), "\""));
  }
  return absl::OkStatus();
}

// What an output that stops in `section` lacks.
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
  // Blank lines first: where a "Writing output to" announcement was.
  size_t start = 0;
  while (start < lines.size() && absl::StripAsciiWhitespace(lines[start]).empty()) ++start;
  if (start == lines.size()) return LineError(1, "empty input, not IOR output");
  absl::string_view first = lines[start];
  size_t colon = first.find(": ");
  if (!absl::StartsWith(first, "IOR-") || colon == absl::string_view::npos) {
    return LineError(start + 1,
                     absl::StrCat("not IOR output: expected \"IOR-<version>: ...\", got \"", Excerpt(first), "\""));
  }
  IorRun run;
  run.format = IorRun::Format::kText;
  run.version = std::string(first.substr(4, colon - 4));

  Section section = Section::kHeader;
  int test_id = 0;  // the "TestID" block being read (-f runs print one per test)
  for (size_t i = start + 1; i < lines.size() && section != Section::kDone; ++i) {
    const size_t n = i + 1;
    absl::string_view line = lines[i];
    absl::string_view trimmed = absl::StripAsciiWhitespace(line);
    std::string key;
    std::string value;
    switch (section) {
      case Section::kHeader:
        if (trimmed == "Options:") {
          section = Section::kOptions;
        } else if (SplitKeyValue(line, &key, &value)) {
          if (key == "TestID" && !ParseTestId(value, &test_id)) {
            return LineError(n, absl::StrCat("TestID \"", value, "\" is not an integer"));
          }
          if (key == "Began") run.began = value;
          if (key == "Command line") run.command_line = value;
          if (key == "Machine") run.machine = value;
        }
        break;
      case Section::kOptions:
        if (trimmed == "Results:") {
          section = Section::kBeforeTable;
        } else if (!trimmed.empty() && SplitKeyValue(line, &key, &value)) {
          run.options[key] = value;
          run.test_options[test_id][key] = value;
        }
        break;
      case Section::kBeforeTable:
        if (trimmed.empty()) break;
        if (!absl::StartsWith(trimmed, "access") || !absl::StrContains(trimmed, "bw(MiB/s)")) {
          return LineError(n, absl::StrCat("expected the Results table header, got \"", Excerpt(line), "\""));
        }
        section = Section::kRows;
        break;
      case Section::kRows:
        FTA_RETURN_IF_ERROR(ResultsTableLine(n, line, section, test_id, run));
        break;
      case Section::kSummaryHeader:
        if (!absl::StartsWith(trimmed, "Operation")) {
          return LineError(n, absl::StrCat("expected the Summary table header, got \"", Excerpt(line), "\""));
        }
        section = Section::kSummaryRows;
        break;
      case Section::kSummaryRows:
        if (trimmed.empty()) break;
        if (SplitKeyValue(line, &key, &value) && key == "Finished") {
          run.finished = value;
          section = Section::kDone;
          break;
        }
        {
          std::vector<absl::string_view> cells = Cells(trimmed);
          if (cells[0] != "write" && cells[0] != "read") {
            return LineError(n, absl::StrCat("unexpected text in the Summary table: \"", Excerpt(line), "\""));
          }
          FTA_ASSIGN_OR_RETURN(IorSummaryRow row, ParseSummaryRow(n, cells));
          run.summary.push_back(row);
        }
        break;
      case Section::kDone:
        break;
    }
  }
  const size_t last = lines.size();
  FTA_RETURN_IF_ERROR(CheckEnded(section, last));
  FTA_RETURN_IF_ERROR(CheckComplete(run, last));
  return run;
}

}  // namespace fta::ior
