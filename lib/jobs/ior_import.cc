#include "lib/jobs/ior_import.h"

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

}  // namespace

absl::StatusOr<fta::v1::Job> JobFromIorOutput(absl::string_view content, const std::string& name,
                                              int64_t now_unix_ms) {
  absl::StatusOr<ior::IorRun> parsed = ior::ParseIorOutput(content);
  if (!parsed.ok()) {
    if (absl::IsAborted(parsed.status())) {
      return absl::InvalidArgumentError(
          absl::StrCat(name, ": records a failed IOR run, nothing to import (", parsed.status().message(), ")"));
    }
    return absl::Status(parsed.status().code(), absl::StrCat(name, ": ", parsed.status().message()));
  }
  const ior::IorRun& run = *parsed;

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

}  // namespace fta::hostd
