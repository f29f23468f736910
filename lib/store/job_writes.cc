#include "lib/store/job_writes.h"

#include "absl/strings/str_join.h"

namespace fta::store {

const char kInsertJob[] =
    "INSERT INTO jobs (id, state, spec, created_unix_ms, finished_unix_ms, error, "
    "transfer_size_bytes, block_size_bytes, engine, timestamp_source, source, ior_version, "
    "ior_command_line, owner, start_at_unix_ms) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)";

void BindJob(Statement& stmt, const fta::v1::Job& job, const std::string& state, const std::string& spec) {
  stmt.BindText(1, job.id())
      .BindText(2, state)
      .BindText(3, spec)
      .BindInt(4, job.created_unix_ms())
      .BindInt(5, job.finished_unix_ms())
      .BindText(6, job.error())
      .BindInt(7, job.transfer_size_bytes())
      .BindInt(8, job.block_size_bytes())
      .BindText(9, fta::v1::Engine_Name(job.engine()))
      .BindText(10, job.timestamp_source())
      .BindText(11, job.source())
      .BindText(12, job.ior_version())
      .BindText(13, job.ior_command_line())
      .BindText(14, job.owner())
      .BindInt(15, job.start_at_unix_ms());
}

const char kInsertJobAgent[] =
    "INSERT INTO job_agents (job_id, position, fta_id, ranks, state, error) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

void BindJobAgent(Statement& stmt, const std::string& job_id, int position, const fta::v1::JobAgent& agent) {
  stmt.BindText(1, job_id)
      .BindInt(2, position)
      .BindText(3, agent.fta_id())
      .BindText(4, absl::StrJoin(agent.ranks(), ","))
      .BindText(5, fta::v1::JobAgentState_Name(agent.state()))
      .BindText(6, agent.error());
}

const char kInsertRankResult[] =
    "INSERT INTO rank_results (job_id, iteration, phase, rank, fta_id, open_start_ns, "
    "open_end_ns, xfer_start_ns, xfer_end_ns, close_start_ns, close_end_ns, bytes, ops) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)";

void BindRankResult(Statement& stmt, const std::string& job_id, const std::string& phase,
                    const fta::v1::RankPhaseResult& r) {
  stmt.BindText(1, job_id)
      .BindInt(2, r.iteration())
      .BindText(3, phase)
      .BindInt(4, r.rank())
      .BindText(5, r.fta_id())
      .BindInt(6, r.open_start_ns())
      .BindInt(7, r.open_end_ns())
      .BindInt(8, r.xfer_start_ns())
      .BindInt(9, r.xfer_end_ns())
      .BindInt(10, r.close_start_ns())
      .BindInt(11, r.close_end_ns())
      .BindInt(12, r.bytes())
      .BindInt(13, r.ops());
}

const char kAggregateColumns[] =
    "job_id, iteration, phase, bytes, total_seconds, bandwidth_mib, bandwidth_mb, iops, "
    "open_seconds, xfer_seconds, close_seconds, start_skew_seconds, ranks";
const char kAggregateParameters[] = "?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13";

void BindAggregate(Statement& stmt, const std::string& job_id, const std::string& phase,
                   const fta::v1::PhaseAggregate& aggregate) {
  stmt.BindText(1, job_id)
      .BindInt(2, aggregate.iteration())
      .BindText(3, phase)
      .BindInt(4, aggregate.bytes())
      .BindDouble(5, aggregate.total_seconds())
      .BindDouble(6, aggregate.bandwidth_mib())
      .BindDouble(7, aggregate.bandwidth_mb())
      .BindDouble(8, aggregate.iops())
      .BindDouble(9, aggregate.open_seconds())
      .BindDouble(10, aggregate.xfer_seconds())
      .BindDouble(11, aggregate.close_seconds())
      .BindDouble(12, aggregate.start_skew_seconds())
      .BindInt(13, aggregate.ranks());
}

const char kInsertSummary[] =
    "INSERT INTO phase_summaries (job_id, phase, max_mib, min_mib, mean_mib, "
    "stddev_mib, mean_seconds, bytes_per_iteration, iterations) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";

void BindSummary(Statement& stmt, const std::string& job_id, const std::string& phase,
                 const fta::v1::PhaseSummary& summary) {
  stmt.BindText(1, job_id)
      .BindText(2, phase)
      .BindDouble(3, summary.max_mib())
      .BindDouble(4, summary.min_mib())
      .BindDouble(5, summary.mean_mib())
      .BindDouble(6, summary.stddev_mib())
      .BindDouble(7, summary.mean_seconds())
      .BindInt(8, summary.bytes_per_iteration())
      .BindInt(9, summary.iterations());
}

const char kInsertLink[] =
    "INSERT INTO phase_links (job_id, iteration, phase, ib_port, pf, rate_gbps, xmit_bytes, rcv_bytes, seconds, "
    "utilisation_pct, agent_bytes, ftas, check_result, error) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)";

void BindLink(Statement& stmt, const std::string& job_id, int32_t iteration, const std::string& phase,
              const fta::v1::LinkUsage& link) {
  stmt.BindText(1, job_id)
      .BindInt(2, iteration)
      .BindText(3, phase)
      .BindText(4, link.ib_port())
      .BindText(5, link.pf())
      .BindDouble(6, link.rate_gbps())
      .BindInt(7, link.xmit_bytes())
      .BindInt(8, link.rcv_bytes())
      .BindDouble(9, link.seconds())
      .BindDouble(10, link.utilisation_pct())
      .BindInt(11, link.agent_bytes())
      .BindInt(12, link.ftas())
      .BindText(13, link.check())
      .BindText(14, link.error());
}

}  // namespace fta::store
