// A job's rows as the Store writes them, shared by the writers of jobs
// measured here (store_jobs.cc) and of jobs imported whole
// (store_import.cc). Each runs inside the caller's transaction; the columns
// are the ones rows.h's kSelect* read (InsertSql), bound by field name
// (BindFields). `operation` names the call in errors.
#pragma once

#include <functional>
#include <string>

#include <google/protobuf/repeated_ptr_field.h>

#include "absl/status/status.h"
#include "fta/v1/job.pb.h"

struct sqlite3;

namespace fta::store {

// NOT_FOUND naming the job when its row is not there.
absl::Status CheckJobExists(sqlite3* db, const std::string& job_id, const std::string& operation);

// One write to an existing job's rows in its own transaction: `write`
// (given `operation`) runs only when the job row exists (NOT_FOUND
// otherwise), and all of it is stored or nothing.
absl::Status WriteToJob(sqlite3* db, const std::string& job_id, const std::string& operation,
                        const std::function<absl::Status()>& write);

// The jobs row (spec as JSON): inserted, or with `upsert` inserted or
// updated in place (PutJob; its results stay).
absl::Status WriteJobRow(sqlite3* db, const fta::v1::Job& job, bool upsert, const std::string& operation);

// Replaces the job's agents, kept in the job's order.
absl::Status ReplaceJobAgents(sqlite3* db, const fta::v1::Job& job, const std::string& operation);

// Inserts rank results; one already stored for its (iteration, phase, rank)
// fails the call, naming it.
absl::Status InsertRankResults(sqlite3* db, const std::string& job_id,
                               const google::protobuf::RepeatedPtrField<fta::v1::RankPhaseResult>& results,
                               const std::string& operation);

// The aggregate of one (iteration, phase) with its links. With `replace` an
// aggregate stored for it is replaced (its links go with it); without, one
// stored already fails the call.
absl::Status WriteAggregate(sqlite3* db, const std::string& job_id, const fta::v1::PhaseAggregate& aggregate,
                            bool replace, const std::string& operation);

// Replaces the job's whole set of summaries.
absl::Status ReplaceSummaries(sqlite3* db, const std::string& job_id,
                              const google::protobuf::RepeatedPtrField<fta::v1::PhaseSummary>& summaries,
                              const std::string& operation);

}  // namespace fta::store
