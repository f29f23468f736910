// IOR's two CSV outputs: the summary (-O summaryFormat=CSV: a header and one
// row per access and iteration, header repeated per test) and the per-rank
// details (-O saveRankPerformanceDetailsCSV=FILE).
#include <algorithm>
#include <cmath>
#include <numeric>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "lib/core/status_macros.h"
#include "lib/ior/ior_output.h"
#include "lib/ior/ior_output_internal.h"

namespace fta::ior {
namespace {

using output_internal::Excerpt;
using output_internal::LineError;
using output_internal::SplitLines;

constexpr char kSummaryHeader[] =
    "access,bw(MiB/s),IOPS,Latency,block(KiB),xfer(KiB),open(s),wr/rd(s),close(s),total(s),numTasks,iter";
constexpr char kRankHeader[] =
    "access,rank,runtime-with-openclose,runtime,throughput-withopenclose,throughput";
constexpr double kKiB = 1024.0;
constexpr double kMiB = 1048576.0;

std::vector<std::string> CsvCells(absl::string_view line) {
  std::vector<std::string> cells = absl::StrSplit(line, ',');
  for (std::string& cell : cells) absl::StripAsciiWhitespace(&cell);
  return cells;
}

absl::Status CellError(size_t n, absl::string_view column, absl::string_view cell) {
  return LineError(n, absl::StrCat(column, " \"", Excerpt(cell), "\" is not a number"));
}

struct CsvRow {
  IorResultRow row;
  int64_t tasks = 0;
};

absl::StatusOr<CsvRow> ParseSummaryCsvRow(size_t n, const std::vector<std::string>& cells) {
  static const char* kColumns[] = {"bw(MiB/s)", "IOPS",     "Latency",  "block(KiB)", "xfer(KiB)",
                                   "open(s)",   "wr/rd(s)", "close(s)", "total(s)"};
  if (cells.size() != 12) return LineError(n, absl::StrCat("CSV row has ", cells.size(), " columns, expected 12"));
  CsvRow out;
  IorResultRow& row = out.row;
  row.access = cells[0];
  if (row.access != "write" && row.access != "read") {
    return LineError(n, absl::StrCat("CSV row: access \"", Excerpt(cells[0]), "\" is neither write nor read"));
  }
  double* fields[] = {&row.bandwidth_mib, &row.iops,         &row.latency_seconds, &row.block_kib,
                      &row.transfer_kib,  &row.open_seconds, &row.xfer_seconds,    &row.close_seconds,
                      &row.total_seconds};
  for (size_t i = 0; i < 9; ++i) {
    if (!absl::SimpleAtod(cells[i + 1], fields[i])) return CellError(n, kColumns[i], cells[i + 1]);
  }
  if (!absl::SimpleAtoi(cells[10], &out.tasks) || out.tasks < 1) {
    return LineError(n, absl::StrCat("numTasks \"", Excerpt(cells[10]), "\" is not a positive integer"));
  }
  if (!absl::SimpleAtoi(cells[11], &row.iteration) || row.iteration < 0) {
    return LineError(n, absl::StrCat("iter \"", Excerpt(cells[11]), "\" is not a count"));
  }
  return out;
}

double PopulationStddev(const std::vector<double>& values, double mean) {
  double sum = 0;
  for (double v : values) sum += (v - mean) * (v - mean);
  return std::sqrt(sum / static_cast<double>(values.size()));
}

// IOR's summary of one access of one test from its result rows.
IorSummaryRow Summarise(const std::vector<CsvRow>& rows) {
  const IorResultRow& first = rows.front().row;
  IorSummaryRow s;
  s.operation = first.access;
  s.test_id = first.test_id;
  s.api = "POSIX";
  s.tasks = rows.front().tasks;
  s.repetitions = static_cast<int64_t>(rows.size());
  s.block_size = std::llround(first.block_kib * kKiB);
  s.transfer_size = std::llround(first.transfer_kib * kKiB);
  std::vector<double> mib;
  std::vector<double> ops;
  double seconds = 0;
  const CsvRow* longest = &rows.front();
  for (const CsvRow& r : rows) {
    mib.push_back(r.row.bandwidth_mib);
    ops.push_back(r.row.iops);
    seconds += r.row.total_seconds;
    if (r.row.total_seconds > longest->row.total_seconds) longest = &r;
  }
  auto mean = [](const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0) / v.size(); };
  s.max_mib = *std::max_element(mib.begin(), mib.end());
  s.min_mib = *std::min_element(mib.begin(), mib.end());
  s.mean_mib = mean(mib);
  s.stddev_mib = PopulationStddev(mib, s.mean_mib);
  s.max_ops = *std::max_element(ops.begin(), ops.end());
  s.min_ops = *std::min_element(ops.begin(), ops.end());
  s.mean_ops = mean(ops);
  s.stddev_ops = PopulationStddev(ops, s.mean_ops);
  s.mean_seconds = seconds / static_cast<double>(rows.size());
  // Bytes moved = bandwidth x time; the longest row has the most exact time.
  const double bytes = longest->row.bandwidth_mib * kMiB * longest->row.total_seconds;
  const double per_segment = static_cast<double>(s.block_size) * static_cast<double>(s.tasks);
  s.segments = per_segment > 0 ? std::max<int64_t>(1, std::llround(bytes / per_segment)) : 1;
  s.aggregate_mib = static_cast<double>(s.segments) * per_segment / kMiB;
  return s;
}

}  // namespace

absl::StatusOr<IorRun> ParseIorCsv(absl::string_view text) {
  std::vector<absl::string_view> lines = SplitLines(text);
  IorRun run;
  run.format = IorRun::Format::kCsv;
  int test_id = -1;
  std::set<std::pair<std::string, int>> seen;  // (access, iter) of the current test
  std::vector<std::vector<CsvRow>> tests;
  for (size_t i = 0; i < lines.size(); ++i) {
    const size_t n = i + 1;
    absl::string_view line = absl::StripAsciiWhitespace(lines[i]);
    if (line.empty()) continue;
    if (line == kSummaryHeader) {  // IOR prints it once per test
      if (test_id < 0 || !seen.empty()) {
        ++test_id;
        seen.clear();
        tests.emplace_back();
      }
      continue;
    }
    if (test_id < 0) {
      return LineError(n, absl::StrCat("not IOR's CSV summary: expected its header \"access,bw(MiB/s),...\", got \"",
                                       Excerpt(line), "\""));
    }
    FTA_ASSIGN_OR_RETURN(CsvRow row, ParseSummaryCsvRow(n, CsvCells(line)));
    row.row.test_id = test_id;
    if (!seen.insert({row.row.access, row.row.iteration}).second) {
      return LineError(n, absl::StrCat("a second ", row.row.access, " row for iteration ", row.row.iteration,
                                       " without a new header"));
    }
    run.results.push_back(row.row);
    tests.back().push_back(row);
  }
  if (run.results.empty()) return LineError(std::max<size_t>(lines.size(), 1), "no write or read rows in the CSV");
  for (const std::vector<CsvRow>& test : tests) {
    for (const char* access : {"write", "read"}) {
      std::vector<CsvRow> rows;
      for (const CsvRow& r : test) {
        if (r.row.access == access) rows.push_back(r);
      }
      if (!rows.empty()) run.summary.push_back(Summarise(rows));
    }
  }
  return run;
}

absl::StatusOr<std::vector<IorRankDetail>> ParseIorRankCsv(absl::string_view text) {
  static const char* kColumns[] = {"runtime-with-openclose", "runtime", "throughput-withopenclose", "throughput"};
  std::vector<absl::string_view> lines = SplitLines(text);
  if (lines.empty() || absl::StripAsciiWhitespace(lines[0]) != kRankHeader) {
    return LineError(1, absl::StrCat("not IOR's per-rank CSV: expected the header \"", kRankHeader, "\""));
  }
  std::vector<IorRankDetail> details;
  for (size_t i = 1; i < lines.size(); ++i) {
    const size_t n = i + 1;
    absl::string_view line = absl::StripAsciiWhitespace(lines[i]);
    if (line.empty()) continue;
    std::vector<std::string> cells = CsvCells(line);
    if (cells.size() != 6) return LineError(n, absl::StrCat("per-rank row has ", cells.size(), " columns, expected 6"));
    IorRankDetail d;
    d.line = n;
    d.access = cells[0];
    if (d.access != "write" && d.access != "read") {
      return LineError(n, absl::StrCat("access \"", Excerpt(cells[0]), "\" is neither write nor read"));
    }
    if (!absl::SimpleAtoi(cells[1], &d.rank) || d.rank < 0) {
      return LineError(n, absl::StrCat("rank \"", Excerpt(cells[1]), "\" is not a rank number"));
    }
    double* fields[] = {&d.total_seconds, &d.access_seconds, &d.bytes_per_second_total, &d.bytes_per_second_access};
    for (size_t c = 0; c < 4; ++c) {
      if (!absl::SimpleAtod(cells[c + 2], fields[c])) return CellError(n, kColumns[c], cells[c + 2]);
    }
    details.push_back(d);
  }
  if (details.empty()) return LineError(lines.size(), "the per-rank CSV holds no rows");
  return details;
}

}  // namespace fta::ior
