#include "lib/ior/ior_output.h"

#include <cmath>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "lib/core/status_macros.h"
#include "nlohmann/json.hpp"

namespace fta::ior {
namespace {

using Json = nlohmann::json;

constexpr size_t kMaxQuotedLines = 4;
constexpr size_t kMaxQuotedChars = 200;

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

// IOR never escapes JSON strings, so a command line or path holding '"' or
// '\' breaks the document. These keys sit alone on their line; re-escape
// their values. (Everything between the first '": "' and the last '"' is the
// raw value.)
std::string EscapeFreeTextValues(absl::string_view text) {
  static const char* kFreeTextKeys[] = {"\"Command line\": \"", "\"testFileName\": \"", "\"test filename\": \"",
                                        "\"options\": \"", "\"Machine\": \""};
  std::vector<std::string> out;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    absl::string_view body = absl::StripLeadingAsciiWhitespace(line);
    const char* matched = nullptr;
    for (const char* key : kFreeTextKeys) {
      if (absl::StartsWith(body, key)) matched = key;
    }
    size_t last_quote = line.rfind('"');
    if (matched == nullptr || last_quote == absl::string_view::npos) {
      out.emplace_back(line);
      continue;
    }
    size_t value_start = line.find(matched) + std::string(matched).size();
    if (last_quote < value_start) {
      out.emplace_back(line);
      continue;
    }
    std::string escaped;
    for (char c : line.substr(value_start, last_quote - value_start)) {
      if (c == '"' || c == '\\') escaped.push_back('\\');
      if (static_cast<unsigned char>(c) < 0x20) {
        escaped += " ";
        continue;
      }
      escaped.push_back(c);
    }
    out.push_back(absl::StrCat(line.substr(0, value_start), escaped, line.substr(last_quote)));
  }
  return absl::StrJoin(out, "\n");
}

size_t LineOfByte(absl::string_view text, size_t byte) {
  size_t line = 1;
  for (size_t i = 0; i < byte && i < text.size(); ++i) {
    if (text[i] == '\n') ++line;
  }
  return line;
}

absl::Status JsonError(const std::string& path, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("JSON ", path, ": ", what));
}

// Numbers may come as strings ("inf", which IOR prints quoted).
absl::StatusOr<double> NumberAt(const Json& object, const char* key, const std::string& path) {
  auto it = object.find(key);
  if (it == object.end()) return JsonError(path, absl::StrCat("missing \"", key, "\""));
  if (it->is_number()) return it->get<double>();
  double value = 0;
  if (it->is_string() && absl::SimpleAtod(it->get<std::string>(), &value)) return value;
  return JsonError(path, absl::StrCat("\"", key, "\" is not a number: ", it->dump()));
}

absl::StatusOr<int64_t> IntegerAt(const Json& object, const char* key, const std::string& path) {
  FTA_ASSIGN_OR_RETURN(double value, NumberAt(object, key, path));
  if (!std::isfinite(value) || value != std::floor(value)) {
    return JsonError(path, absl::StrCat("\"", key, "\" is not an integer"));
  }
  return static_cast<int64_t>(value);
}

std::string StringOr(const Json& object, const char* key, const std::string& fallback) {
  auto it = object.find(key);
  if (it == object.end()) return fallback;
  return it->is_string() ? it->get<std::string>() : it->dump();
}

absl::Status ParseJsonTest(const Json& test, const std::string& path, IorRun* run) {
  if (!test.is_object()) return JsonError(path, "is not an object");
  if (auto options = test.find("Options"); options != test.end() && options->is_object()) {
    for (const auto& [key, value] : options->items()) {
      run->options[key] = value.is_string() ? value.get<std::string>() : value.dump();
    }
  }
  auto results = test.find("Results");
  if (results == test.end() || !results->is_array()) return JsonError(path, "missing \"Results\" array");
  std::map<std::string, int> seen;
  for (size_t i = 0; i < results->size(); ++i) {
    const Json& entry = (*results)[i];
    std::string entry_path = absl::StrCat(path, ".Results[", i, "]");
    if (!entry.is_object()) return JsonError(entry_path, "is not an object");
    std::string access = StringOr(entry, "access", "");
    if (access.empty()) return JsonError(entry_path, "missing \"access\"");
    int iteration = seen[access]++;
    if (access == "remove") {
      IorRemoveRow row;
      row.iteration = iteration;
      FTA_ASSIGN_OR_RETURN(row.total_seconds, NumberAt(entry, "totalTime", entry_path));
      run->removes.push_back(row);
      continue;
    }
    IorResultRow row;
    row.access = access;
    row.iteration = iteration;
    FTA_ASSIGN_OR_RETURN(row.bandwidth_mib, NumberAt(entry, "bwMiB", entry_path));
    FTA_ASSIGN_OR_RETURN(row.iops, NumberAt(entry, "iops", entry_path));
    FTA_ASSIGN_OR_RETURN(row.latency_seconds, NumberAt(entry, "latency", entry_path));
    FTA_ASSIGN_OR_RETURN(row.block_kib, NumberAt(entry, "blockKiB", entry_path));
    FTA_ASSIGN_OR_RETURN(row.transfer_kib, NumberAt(entry, "xferKiB", entry_path));
    FTA_ASSIGN_OR_RETURN(row.open_seconds, NumberAt(entry, "openTime", entry_path));
    FTA_ASSIGN_OR_RETURN(row.xfer_seconds, NumberAt(entry, "wrRdTime", entry_path));
    FTA_ASSIGN_OR_RETURN(row.close_seconds, NumberAt(entry, "closeTime", entry_path));
    FTA_ASSIGN_OR_RETURN(row.total_seconds, NumberAt(entry, "totalTime", entry_path));
    run->results.push_back(row);
  }
  if (auto max = test.find("max"); max != test.end() && max->is_object()) {
    std::string max_path = path + ".max";
    if (max->contains("writeMiB")) {
      IorMax m;
      FTA_ASSIGN_OR_RETURN(m.mib, NumberAt(*max, "writeMiB", max_path));
      FTA_ASSIGN_OR_RETURN(m.mb, NumberAt(*max, "writeMB", max_path));
      run->max_write = m;
    }
    if (max->contains("readMiB")) {
      IorMax m;
      FTA_ASSIGN_OR_RETURN(m.mib, NumberAt(*max, "readMiB", max_path));
      FTA_ASSIGN_OR_RETURN(m.mb, NumberAt(*max, "readMB", max_path));
      run->max_read = m;
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<IorSummaryRow> ParseJsonSummary(const Json& entry, const std::string& path) {
  if (!entry.is_object()) return JsonError(path, "is not an object");
  IorSummaryRow row;
  row.operation = StringOr(entry, "operation", "");
  if (row.operation.empty()) return JsonError(path, "missing \"operation\"");
  row.api = StringOr(entry, "API", "");
  FTA_ASSIGN_OR_RETURN(row.max_mib, NumberAt(entry, "bwMaxMIB", path));
  FTA_ASSIGN_OR_RETURN(row.min_mib, NumberAt(entry, "bwMinMIB", path));
  FTA_ASSIGN_OR_RETURN(row.mean_mib, NumberAt(entry, "bwMeanMIB", path));
  FTA_ASSIGN_OR_RETURN(row.stddev_mib, NumberAt(entry, "bwStdMIB", path));
  FTA_ASSIGN_OR_RETURN(row.max_ops, NumberAt(entry, "OPsMax", path));
  FTA_ASSIGN_OR_RETURN(row.min_ops, NumberAt(entry, "OPsMin", path));
  FTA_ASSIGN_OR_RETURN(row.mean_ops, NumberAt(entry, "OPsMean", path));
  FTA_ASSIGN_OR_RETURN(row.stddev_ops, NumberAt(entry, "OPsSD", path));
  FTA_ASSIGN_OR_RETURN(row.mean_seconds, NumberAt(entry, "MeanTime", path));
  FTA_ASSIGN_OR_RETURN(row.tasks, IntegerAt(entry, "numTasks", path));
  FTA_ASSIGN_OR_RETURN(row.tasks_per_node, IntegerAt(entry, "tasksPerNode", path));
  FTA_ASSIGN_OR_RETURN(row.repetitions, IntegerAt(entry, "repetitions", path));
  FTA_ASSIGN_OR_RETURN(row.segments, IntegerAt(entry, "segmentCount", path));
  FTA_ASSIGN_OR_RETURN(row.block_size, IntegerAt(entry, "blockSize", path));
  FTA_ASSIGN_OR_RETURN(row.transfer_size, IntegerAt(entry, "transferSize", path));
  FTA_ASSIGN_OR_RETURN(row.aggregate_mib, NumberAt(entry, "xsizeMiB", path));
  return row;
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
  absl::string_view body = absl::StripLeadingAsciiWhitespace(text);
  if (absl::StartsWith(body, "{")) return ParseIorJson(text);
  return ParseIorText(text);
}

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

  enum class Section { kHeader, kOptions, kBeforeTable, kRows, kSummaryHeader, kSummaryRows, kDone };
  Section section = Section::kHeader;
  for (size_t i = 1; i < lines.size() && section != Section::kDone; ++i) {
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
        }
        break;
      case Section::kBeforeTable:
        if (trimmed.empty()) break;
        if (!absl::StartsWith(trimmed, "access") || !absl::StrContains(trimmed, "bw(MiB/s)")) {
          return LineError(n, absl::StrCat("expected the Results table header, got \"", Excerpt(line), "\""));
        }
        section = Section::kRows;
        break;
      case Section::kRows: {
        if (trimmed.empty() || absl::StartsWith(trimmed, "------") || absl::StartsWith(trimmed, "WARNING:") ||
            absl::StartsWith(trimmed, "stonewalling pairs") || absl::StartsWith(trimmed, "Pairs deadline")) {
          break;
        }
        if (trimmed == "Summary of all tests:") {
          section = Section::kSummaryHeader;
          break;
        }
        if (absl::ConsumePrefix(&trimmed, "Max Write:")) {
          FTA_ASSIGN_OR_RETURN(run.max_write, ParseMaxLine(n, trimmed));
          break;
        }
        if (absl::ConsumePrefix(&trimmed, "Max Read:")) {
          FTA_ASSIGN_OR_RETURN(run.max_read, ParseMaxLine(n, trimmed));
          break;
        }
        std::vector<absl::string_view> cells = Cells(trimmed);
        if (cells[0] == "write" || cells[0] == "read") {
          FTA_ASSIGN_OR_RETURN(IorResultRow row, ParseResultRow(n, cells));
          run.results.push_back(row);
        } else if (cells[0] == "remove") {
          FTA_ASSIGN_OR_RETURN(IorRemoveRow row, ParseRemoveRow(n, cells));
          run.removes.push_back(row);
        } else {
          return LineError(n, absl::StrCat("unexpected text in the Results table: \"", Excerpt(line), "\""));
        }
        break;
      }
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
  switch (section) {
    case Section::kDone:
      break;
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
  FTA_RETURN_IF_ERROR(CheckComplete(run, last));
  return run;
}

absl::StatusOr<IorRun> ParseIorJson(absl::string_view text) {
  if (std::optional<std::string> failure = FindIorFailure(text)) {
    return absl::AbortedError(absl::StrCat("ior failed: ", *failure));
  }
  std::string repaired = EscapeFreeTextValues(text);
  Json document;
  try {
    document = Json::parse(repaired);
  } catch (const Json::parse_error& e) {
    size_t line = LineOfByte(repaired, e.byte == 0 ? 0 : e.byte - 1);
    std::string what = e.what();
    // nlohmann's text: "[json.exception.parse_error.101] parse error at line 3, column 1: syntax error ..."
    size_t detail = what.find(": ");
    if (detail != std::string::npos) what = what.substr(detail + 2);
    if (e.byte >= repaired.size()) {
      return LineError(line, absl::StrCat("JSON ends early (truncated?): ", what));
    }
    return LineError(line, absl::StrCat("invalid JSON: ", what));
  } catch (const Json::out_of_range& e) {
    // A number too large for a double ("1E999") is reported by nlohmann as
    // out_of_range, without a byte offset: find its token to name the line.
    std::string what = e.what();
    size_t detail = what.find("] ");
    if (detail != std::string::npos) what = what.substr(detail + 2);
    size_t quote = what.find('\'');
    size_t token_at = std::string::npos;
    if (quote != std::string::npos) {
      std::string token = what.substr(quote + 1, what.find('\'', quote + 1) - quote - 1);
      if (!token.empty()) token_at = repaired.find(token);
    }
    if (token_at == std::string::npos) return JsonError("document", what);
    return LineError(LineOfByte(repaired, token_at), absl::StrCat("invalid JSON: ", what));
  }
  if (!document.is_object()) return JsonError("document", "is not an object");
  IorRun run;
  run.format = IorRun::Format::kJson;
  run.version = StringOr(document, "Version", "");
  run.began = StringOr(document, "Began", "");
  run.command_line = StringOr(document, "Command line", "");
  run.machine = StringOr(document, "Machine", "");
  run.finished = StringOr(document, "Finished", "");
  auto tests = document.find("tests");
  if (tests == document.end() || !tests->is_array() || tests->empty()) {
    return JsonError("document", "missing \"tests\" array");
  }
  for (size_t i = 0; i < tests->size(); ++i) {
    FTA_RETURN_IF_ERROR(ParseJsonTest((*tests)[i], absl::StrCat("tests[", i, "]"), &run));
  }
  auto summary = document.find("summary");
  if (summary == document.end() || !summary->is_array()) return JsonError("document", "missing \"summary\" array");
  for (size_t i = 0; i < summary->size(); ++i) {
    FTA_ASSIGN_OR_RETURN(IorSummaryRow row, ParseJsonSummary((*summary)[i], absl::StrCat("summary[", i, "]")));
    run.summary.push_back(row);
  }
  if (run.results.empty()) return JsonError("tests[].Results", "holds no write or read results");
  for (const IorResultRow& row : run.results) {
    bool found = false;
    for (const IorSummaryRow& s : run.summary) found = found || s.operation == row.access;
    if (!found) return JsonError("summary", absl::StrCat("no entry for operation \"", row.access, "\""));
  }
  return run;
}

}  // namespace fta::ior
