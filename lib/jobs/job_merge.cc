#include "lib/jobs/job_merge.h"

#include <algorithm>
#include <limits>
#include <map>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "lib/core/status_macros.h"
#include "lib/jobs/job_results.h"

namespace fta::hostd {
namespace {

using fta::v1::Job;
using fta::v1::RankPhaseResult;
using PhaseKey = std::pair<int32_t, fta::v1::Phase>;

bool IsMeasuredPhase(fta::v1::Phase phase) {
  return phase == fta::v1::PHASE_WRITE || phase == fta::v1::PHASE_READ;
}

absl::Status CheckHostName(const std::string& host, const std::string& field) {
  if (host.empty() || host.size() > 64) {
    return absl::InvalidArgumentError(absl::StrCat(field, ".host: 1 to 64 characters, got ", host.size()));
  }
  for (char c : host) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
              c == '-';
    if (!ok) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".host: \"", host, "\" may hold only A-Z a-z 0-9 _ . -"));
    }
  }
  return absl::OkStatus();
}

// The (iteration, phase) keys a job measured, from its rank results.
std::set<PhaseKey> MeasuredKeys(const Job& job) {
  std::set<PhaseKey> keys;
  for (const RankPhaseResult& r : job.rank_results()) {
    if (IsMeasuredPhase(r.phase())) keys.insert({r.iteration(), r.phase()});
  }
  return keys;
}

absl::Status CheckPart(const HostJobPart& part, const HostJobPart& first, const std::string& field) {
  FTA_RETURN_IF_ERROR(CheckHostName(part.host, field));
  const Job& job = part.job;
  if (job.state() != fta::v1::JOB_STATE_COMPLETED) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": job ", job.id(), " on ", part.host, " is ",
                                                   fta::v1::JobState_Name(job.state()), ", not COMPLETED"));
  }
  if (MeasuredKeys(job).empty()) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": job ", job.id(), " on ", part.host,
                                                   " has no rank results (give the job's full JSON, job show -o json)"));
  }
  const Job& ref = first.job;
  if (job.transfer_size_bytes() != ref.transfer_size_bytes() || job.block_size_bytes() != ref.block_size_bytes() ||
      job.spec().segments() != ref.spec().segments()) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ": job ", job.id(), " on ", part.host, " has -t ", job.transfer_size_bytes(), " -b ",
        job.block_size_bytes(), " -s ", job.spec().segments(), " but job ", ref.id(), " on ", first.host, " has -t ",
        ref.transfer_size_bytes(), " -b ", ref.block_size_bytes(), " -s ", ref.spec().segments()));
  }
  if (MeasuredKeys(job) != MeasuredKeys(ref)) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": job ", job.id(), " on ", part.host,
                                                   " measured other iterations or phases than ", ref.id(), " on ",
                                                   first.host));
  }
  return absl::OkStatus();
}

// Ranks of a job: one past the highest rank any agent holds.
int32_t RankCount(const Job& job) {
  int32_t count = 0;
  for (const fta::v1::JobAgent& agent : job.agents()) {
    for (int32_t rank : agent.ranks()) count = std::max(count, rank + 1);
  }
  for (const RankPhaseResult& r : job.rank_results()) count = std::max(count, r.rank() + 1);
  return count;
}

// The merged job's fields that are not results: sizes and spec from the
// first part, times spanning all parts, owner and start-at when common.
Job MergedHeader(const std::vector<HostJobPart>& parts) {
  const Job& first = parts.front().job;
  Job job;
  job.set_state(fta::v1::JOB_STATE_COMPLETED);
  *job.mutable_spec() = first.spec();
  job.set_transfer_size_bytes(first.transfer_size_bytes());
  job.set_block_size_bytes(first.block_size_bytes());
  job.set_engine(fta::v1::ENGINE_MERGED);
  job.set_ior_version(first.ior_version());
  job.set_created_unix_ms(first.created_unix_ms());
  job.set_owner(first.owner());
  job.set_start_at_unix_ms(first.start_at_unix_ms());
  job.set_timestamp_source(first.timestamp_source());
  std::vector<std::string> sources;
  for (const HostJobPart& part : parts) {
    const Job& j = part.job;
    job.set_created_unix_ms(std::min(job.created_unix_ms(), j.created_unix_ms()));
    job.set_finished_unix_ms(std::max(job.finished_unix_ms(), j.finished_unix_ms()));
    if (j.owner() != job.owner()) job.set_owner("");
    if (j.start_at_unix_ms() != job.start_at_unix_ms()) job.set_start_at_unix_ms(0);
    if (j.timestamp_source() != first.timestamp_source()) job.set_timestamp_source("mixed");
    sources.push_back(absl::StrCat(part.host, ":", j.id()));
  }
  job.set_source(absl::StrJoin(sources, " "));
  return job;
}

}  // namespace

absl::StatusOr<fta::v1::MergedJob> MergeHostJobs(const std::vector<HostJobPart>& parts) {
  if (parts.empty()) return absl::InvalidArgumentError("parts: give at least one host's job");
  if (parts.size() > static_cast<size_t>(kMaxMergedHosts)) {
    return absl::InvalidArgumentError(absl::StrCat("parts: at most ", kMaxMergedHosts, " hosts, got ", parts.size()));
  }
  std::set<std::string> hosts;
  for (size_t i = 0; i < parts.size(); ++i) {
    const std::string field = absl::StrCat("parts[", i, "]");
    FTA_RETURN_IF_ERROR(CheckPart(parts[i], parts.front(), field));
    if (!hosts.insert(parts[i].host).second) {
      return absl::InvalidArgumentError(absl::StrCat(field, ".host: ", parts[i].host, " is given twice"));
    }
  }
  fta::v1::MergedJob merged;
  *merged.mutable_job() = MergedHeader(parts);
  std::map<PhaseKey, std::vector<RankPhaseResult>> all;
  std::map<PhaseKey, std::pair<int64_t, int64_t>> first_open_span;  // min, max of the hosts' first opens
  int32_t offset = 0;
  for (const HostJobPart& part : parts) {
    std::map<PhaseKey, std::vector<RankPhaseResult>> own;
    for (const fta::v1::JobAgent& agent : part.job.agents()) {
      fta::v1::JobAgent* copy = merged.mutable_job()->add_agents();
      *copy = agent;
      copy->set_fta_id(absl::StrCat(part.host, "/", agent.fta_id()));
      for (int32_t& rank : *copy->mutable_ranks()) rank += offset;
    }
    for (const RankPhaseResult& r : part.job.rank_results()) {
      if (!IsMeasuredPhase(r.phase())) continue;
      own[{r.iteration(), r.phase()}].push_back(r);
      RankPhaseResult renumbered = r;
      renumbered.set_rank(r.rank() + offset);
      renumbered.set_fta_id(absl::StrCat(part.host, "/", r.fta_id()));
      all[{r.iteration(), r.phase()}].push_back(std::move(renumbered));
    }
    for (const auto& [key, results] : own) {
      fta::v1::MergedHostRow* row = merged.add_hosts();
      row->set_host(part.host);
      row->set_job_id(part.job.id());
      FTA_ASSIGN_OR_RETURN(*row->mutable_aggregate(), AggregatePhaseResults(key.first, key.second, results));
      int64_t first_open = std::numeric_limits<int64_t>::max();
      for (const RankPhaseResult& r : results) first_open = std::min(first_open, r.open_start_ns());
      row->set_first_open_start_ns(first_open);
      auto span = first_open_span.try_emplace(key, first_open, first_open).first;
      span->second.first = std::min(span->second.first, first_open);
      span->second.second = std::max(span->second.second, first_open);
    }
    offset += RankCount(part.job);
  }
  for (auto& [key, results] : all) {
    FTA_ASSIGN_OR_RETURN(fta::v1::PhaseAggregate aggregate, AggregatePhaseResults(key.first, key.second, results));
    *merged.mutable_job()->add_aggregates() = aggregate;
    fta::v1::CrossHostSkew* skew = merged.add_skews();
    skew->set_iteration(key.first);
    skew->set_phase(key.second);
    skew->set_seconds(1e-9 * static_cast<double>(first_open_span[key].second - first_open_span[key].first));
    merged.set_max_skew_seconds(std::max(merged.max_skew_seconds(), skew->seconds()));
    for (RankPhaseResult& r : results) *merged.mutable_job()->add_rank_results() = std::move(r);
  }
  for (const fta::v1::PhaseSummary& s : SummarizeIterations(merged.job())) *merged.mutable_job()->add_summaries() = s;
  return merged;
}

}  // namespace fta::hostd
