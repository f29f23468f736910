// The INSERTs of a job's rows and their bindings, shared by the writers in
// store_jobs.cc (jobs measured here) and store_import.cc (jobs imported from
// IOR output), so the column lists and their parameter numbers live once.
#pragma once

#include <string>

#include "fta/v1/job.pb.h"
#include "lib/store/sqlite_util.h"

namespace fta::store {

// INSERT INTO jobs, parameters ?1..?15; PutJob appends its ON CONFLICT.
extern const char kInsertJob[];
// `state` and `spec` are the job's, already converted (EnumName, MessageToJson).
void BindJob(Statement& stmt, const fta::v1::Job& job, const std::string& state, const std::string& spec);

// Columns and parameters ?1..?13 of a phase_aggregates row (AddAggregate
// stores five more after them).
extern const char kAggregateColumns[];
extern const char kAggregateParameters[];
void BindAggregate(Statement& stmt, const std::string& job_id, const std::string& phase,
                   const fta::v1::PhaseAggregate& aggregate);

// INSERT INTO phase_links, parameters ?1..?14.
extern const char kInsertLink[];
void BindLink(Statement& stmt, const std::string& job_id, int32_t iteration, const std::string& phase,
              const fta::v1::LinkUsage& link);

// INSERT INTO job_agents, parameters ?1..?6 (`position`: the agent's index).
extern const char kInsertJobAgent[];
void BindJobAgent(Statement& stmt, const std::string& job_id, int position, const fta::v1::JobAgent& agent);

// INSERT INTO rank_results, parameters ?1..?13.
extern const char kInsertRankResult[];
void BindRankResult(Statement& stmt, const std::string& job_id, const std::string& phase,
                    const fta::v1::RankPhaseResult& r);

// INSERT INTO phase_summaries, parameters ?1..?9.
extern const char kInsertSummary[];
void BindSummary(Statement& stmt, const std::string& job_id, const std::string& phase,
                 const fta::v1::PhaseSummary& summary);


}  // namespace fta::store
