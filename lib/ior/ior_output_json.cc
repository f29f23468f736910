// IOR's JSON summary (-O summaryFormat=JSON): tests, their results and the
// summary, parsed with nlohmann-json after IOR's unescaped free text is
// repaired.
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
#include "nlohmann/json.hpp"

namespace fta::ior {
namespace {

using output_internal::LineError;
using Json = nlohmann::json;

// IOR never escapes JSON strings, so a command line or path holding '"' or
// '\' breaks the document. These keys sit alone on their line; re-escape
// their values (everything between the key's '": "' and the last '"').
// IOR also prints log lines into the document (stonewall wear-out's
// "stonewalling pairs accessed ...", "Pairs ...accessed: N", WARNING:s).
// No line of IOR's JSON starts with a letter, so those lines are blanked
// (kept as empty lines so that error line numbers stay the file's).
std::string EscapeFreeTextValues(absl::string_view text) {
  static const char* kFreeTextKeys[] = {"\"Command line\": \"", "\"testFileName\": \"", "\"test filename\": \"",
                                        "\"options\": \"", "\"Machine\": \""};
  std::vector<std::string> out;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    absl::string_view body = absl::StripLeadingAsciiWhitespace(line);
    if (!body.empty() && absl::ascii_isalpha(static_cast<unsigned char>(body[0]))) {
      out.emplace_back();
      continue;
    }
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

absl::Status ParseJsonTest(const Json& test, size_t index, const std::string& path, IorRun* run) {
  if (!test.is_object()) return JsonError(path, "is not an object");
  int test_id = static_cast<int>(index);
  if (test.contains("TestID")) {
    FTA_ASSIGN_OR_RETURN(int64_t id, IntegerAt(test, "TestID", path));
    test_id = static_cast<int>(id);
  }
  if (auto options = test.find("Options"); options != test.end() && options->is_object()) {
    for (const auto& [key, value] : options->items()) {
      run->options[key] = value.is_string() ? value.get<std::string>() : value.dump();
      run->test_options[test_id][key] = run->options[key];
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
      row.test_id = test_id;
      FTA_ASSIGN_OR_RETURN(row.total_seconds, NumberAt(entry, "totalTime", entry_path));
      run->removes.push_back(row);
      continue;
    }
    IorResultRow row;
    row.access = access;
    row.iteration = iteration;
    row.test_id = test_id;
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
  if (entry.contains("TestID")) {
    FTA_ASSIGN_OR_RETURN(int64_t id, IntegerAt(entry, "TestID", path));
    row.test_id = static_cast<int>(id);
  }
  return row;
}


}  // namespace

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
    FTA_RETURN_IF_ERROR(ParseJsonTest((*tests)[i], i, absl::StrCat("tests[", i, "]"), &run));
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
    for (const IorSummaryRow& s : run.summary) found = found || (s.operation == row.access && s.test_id == row.test_id);
    if (!found) {
      return JsonError("summary", absl::StrCat("no entry for operation \"", row.access, "\"",
                                               row.test_id != 0 ? absl::StrCat(" of test ", row.test_id) : ""));
    }
  }
  return run;
}


}  // namespace fta::ior
