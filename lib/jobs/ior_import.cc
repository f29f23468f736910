#include "lib/jobs/ior_import.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "lib/core/status_macros.h"

namespace fta::hostd {
namespace {

constexpr double kMiB = 1048576.0;
constexpr double kMB = 1000000.0;

fta::v1::Phase PhaseOf(const std::string& access) {
  return access == "write" ? fta::v1::PHASE_WRITE : fta::v1::PHASE_READ;
}

// IOR prints ctime() local time: "Tue Nov 24 02:27:40 2026".
int64_t UnixMillisOr(const std::string& text, int64_t fallback) {
  absl::Time time;
  std::string error;
  if (text.empty() || !absl::ParseTime("%a %b %d %H:%M:%S %Y", text, absl::LocalTimeZone(), &time, &error)) {
    return fallback;
  }
  return absl::ToUnixMillis(time);
}

fta::v1::Job JobFromRun(const ior::IorRun& run, const std::string& name, int64_t now_unix_ms) {
  fta::v1::Job job;
  job.set_state(fta::v1::JOB_STATE_COMPLETED);
  job.set_engine(fta::v1::ENGINE_IOR_IMPORT);
  job.set_timestamp_source("ior-reported");
  job.set_source(name);
  job.set_ior_version(run.version);
  job.set_ior_command_line(run.command_line);
  job.set_created_unix_ms(UnixMillisOr(run.began, now_unix_ms));
  job.set_finished_unix_ms(UnixMillisOr(run.finished, job.created_unix_ms()));

  const ior::IorSummaryRow& first = run.summary.front();
  fta::v1::IorSpec& spec = *job.mutable_spec();
  spec.set_transfer_size(absl::StrCat(first.transfer_size));
  spec.set_block_size(absl::StrCat(first.block_size));
  spec.set_segments(first.segments);
  spec.set_iterations(first.repetitions);
  spec.set_engine(fta::v1::ENGINE_IOR_IMPORT);
  if (auto it = run.options.find("test filename"); it != run.options.end()) spec.set_file_name(it->second);
  for (const ior::IorResultRow& row : run.results) {
    if (row.access == "write") spec.set_write(true);
    if (row.access == "read") spec.set_read(true);
  }
  job.set_transfer_size_bytes(first.transfer_size);
  job.set_block_size_bytes(first.block_size);

  auto summary_of = [&run](const std::string& access) -> const ior::IorSummaryRow* {
    for (const ior::IorSummaryRow& s : run.summary) {
      if (s.operation == access) return &s;
    }
    return nullptr;
  };
  for (const ior::IorResultRow& row : run.results) {
    const ior::IorSummaryRow* s = summary_of(row.access);  // present: the parser checked
    fta::v1::PhaseAggregate* a = job.add_aggregates();
    a->set_iteration(row.iteration);
    a->set_phase(PhaseOf(row.access));
    a->set_bytes(s->block_size * s->segments * s->tasks);
    a->set_total_seconds(row.total_seconds);
    a->set_bandwidth_mib(row.bandwidth_mib);
    a->set_bandwidth_mb(row.bandwidth_mib * kMiB / kMB);
    a->set_iops(row.iops);
    a->set_open_seconds(row.open_seconds);
    a->set_xfer_seconds(row.xfer_seconds);
    a->set_close_seconds(row.close_seconds);
    a->set_ranks(static_cast<int32_t>(s->tasks));
  }
  for (const ior::IorSummaryRow& s : run.summary) {
    if (s.operation != "write" && s.operation != "read") continue;
    fta::v1::PhaseSummary* summary = job.add_summaries();
    summary->set_phase(PhaseOf(s.operation));
    summary->set_max_mib(s.max_mib);
    summary->set_min_mib(s.min_mib);
    summary->set_mean_mib(s.mean_mib);
    summary->set_stddev_mib(s.stddev_mib);
    summary->set_mean_seconds(s.mean_seconds);
    summary->set_bytes_per_iteration(s.block_size * s.segments * s.tasks);
    summary->set_iterations(static_cast<int32_t>(s.repetitions));
  }
  return job;
}

// IOR appends `ranks` rows per phase, in the order the phases ran: the
// jobs' aggregates, in order.
absl::Status AttachRankDetails(const std::vector<ior::IorRankDetail>& details, const std::string& name,
                               std::vector<fta::v1::Job>& jobs) {
  size_t next = 0;
  for (fta::v1::Job& job : jobs) {
    for (const fta::v1::PhaseAggregate& a : job.aggregates()) {
      const char* access = a.phase() == fta::v1::PHASE_WRITE ? "write" : "read";
      for (int rank = 0; rank < a.ranks(); ++rank, ++next) {
        if (next == details.size()) {
          return absl::InvalidArgumentError(absl::StrCat(
              name, ": line ", details.back().line, ": rows end here, but ", job.source(), " needs a ", access,
              " row for rank ", rank, " of iteration ", a.iteration(), " (is it the CSV of another run?)"));
        }
        const ior::IorRankDetail& d = details[next];
        if (d.access != access || d.rank != rank) {
          return absl::InvalidArgumentError(absl::StrCat(name, ": line ", d.line, ": expected the ", access,
                                                         " row of rank ", rank, " (iteration ", a.iteration(),
                                                         "), got ", d.access, " of rank ", d.rank));
        }
        fta::v1::RankPhaseResult* r = job.add_rank_results();
        r->set_rank(rank);
        r->set_iteration(a.iteration());
        r->set_phase(a.phase());
        r->set_xfer_end_ns(std::llround(d.access_seconds * 1e9));
        r->set_close_start_ns(r->xfer_end_ns());
        r->set_close_end_ns(std::llround(d.total_seconds * 1e9));
        r->set_bytes(a.bytes() / a.ranks());
        r->set_ops(job.transfer_size_bytes() > 0 ? r->bytes() / job.transfer_size_bytes() : 0);
        r->set_timestamp_source("ior-reported");
        r->set_ior_bandwidth_mib(d.bytes_per_second_total / kMiB);
      }
    }
  }
  if (next < details.size()) {
    return absl::InvalidArgumentError(absl::StrCat(name, ": line ", details[next].line,
                                                   ": more rows than the run's ranks x phases x iterations (",
                                                   next, "): is it the CSV of another run?"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<fta::v1::Job>> JobsFromIorOutput(const IorImportInput& input, int64_t now_unix_ms) {
  absl::StatusOr<ior::IorRun> parsed = ior::ParseIorOutput(input.content);
  if (!parsed.ok()) {
    if (absl::IsAborted(parsed.status())) {
      return absl::InvalidArgumentError(absl::StrCat(
          input.name, ": records a failed IOR run, nothing to import (", parsed.status().message(), ")"));
    }
    return absl::Status(parsed.status().code(), absl::StrCat(input.name, ": ", parsed.status().message()));
  }
  std::vector<fta::v1::Job> jobs;
  const std::vector<ior::IorRun> tests = ior::SplitIorTests(*parsed);
  for (const ior::IorRun& test : tests) {
    jobs.push_back(JobFromRun(test, input.name, now_unix_ms));
    // Several tests of one file: say which one each job is.
    if (tests.size() > 1) jobs.back().set_source(absl::StrCat(input.name, " (test ", test.results.front().test_id, ")"));
  }
  if (!input.rank_details.empty()) {
    absl::StatusOr<std::vector<ior::IorRankDetail>> details = ior::ParseIorRankCsv(input.rank_details);
    if (!details.ok()) {
      return absl::Status(details.status().code(), absl::StrCat(input.rank_details_name, ": ", details.status().message()));
    }
    FTA_RETURN_IF_ERROR(AttachRankDetails(*details, input.rank_details_name, jobs));
  }
  return jobs;
}

}  // namespace fta::hostd
