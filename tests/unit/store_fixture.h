// The Store tests' fixture: a database file in a temp directory, a frozen
// clock, record builders, and a side door to the file (QueryDirectly).
#pragma once

#include "lib/store/store.h"

#include <sqlite3.h>
#include <stdlib.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "tests/unit/fakes/fake_clock.h"
#include "tests/unit/fakes/temp_dir.h"

namespace fta::store {

using fta::v1::Fta;
using fta::v1::Job;
using fta::v1::PhaseAggregate;
using fta::v1::PhaseSummary;
using fta::v1::RankPhaseResult;

// Runs one SQL statement on its own connection, bypassing the Store, and
// returns the first column of the first row as text ("" when none).
inline std::string QueryDirectly(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK)
      << sqlite3_errmsg(db);
  std::string value;
  if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0) != nullptr) {
    value = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return value;
}

inline bool Equal(const google::protobuf::Message& a, const google::protobuf::Message& b) {
  return google::protobuf::util::MessageDifferencer::Equals(a, b);
}

// What the store gave back is `want`, field by field.
template <typename M>
::testing::AssertionResult ReadBackAs(const absl::StatusOr<M>& got, const M& want) {
  if (!got.ok()) return ::testing::AssertionFailure() << got.status();
  if (!Equal(*got, want)) return ::testing::AssertionFailure() << "got:\n" << got->DebugString();
  return ::testing::AssertionSuccess();
}

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_ + "/fta-hostd.db";
  }

  std::unique_ptr<Store> OpenStore() {
    absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(path_, &clock_);
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? std::move(*store) : nullptr;
  }

  static Fta MakeFta(const std::string& id, fta::v1::FtaState state, int64_t created_ms) {
    Fta fta;
    fta.set_id(id);
    fta.set_kind(fta::v1::FTA_KIND_PROCESS);
    fta.set_backend(fta::v1::BACKEND_PROCESS);
    fta.set_state(state);
    fta.set_pid(4242);
    fta.set_hostname("guest-1");
    fta.set_agent_version("0.1.0");
    fta.set_ior_path("/usr/bin/ior");
    fta.set_ior_version("4.0.0");
    fta.set_created_unix_ms(created_ms);
    fta.set_connected_unix_ms(created_ms + 10);
    fta.set_last_heartbeat_unix_ms(created_ms + 20);
    fta.set_last_error("it's \"quoted\"; DROP TABLE ftas; --");
    fta.set_vf("0000:3b:00.2");
    return fta;
  }

  static Job MakeJob(const std::string& id, fta::v1::JobState state, int64_t created_ms) {
    Job job;
    job.set_id(id);
    job.set_state(state);
    fta::v1::IorSpec* spec = job.mutable_spec();
    spec->set_transfer_size("1m");
    spec->set_block_size("48g");
    spec->set_iterations(2);
    spec->set_write(true);
    spec->set_read(true);
    spec->set_directory("/lustre/scratch");
    spec->set_reorder_tasks(true);
    spec->set_ranks_per_fta(2);
    fta::v1::JobAgent* a1 = job.add_agents();
    a1->set_fta_id("fta-2");
    a1->add_ranks(0);
    a1->add_ranks(1);
    a1->set_state(fta::v1::JOB_AGENT_STATE_OK);
    fta::v1::JobAgent* a2 = job.add_agents();
    a2->set_fta_id("fta-1");
    a2->add_ranks(2);
    a2->add_ranks(3);
    a2->set_state(fta::v1::JOB_AGENT_STATE_FAILED);
    a2->set_error("agent stream dropped");
    job.set_created_unix_ms(created_ms);
    job.set_finished_unix_ms(0);
    job.set_transfer_size_bytes(1 << 20);
    job.set_block_size_bytes(int64_t{48} << 30);
    job.set_engine(fta::v1::ENGINE_BUILTIN);
    return job;
  }

  static PhaseAggregate MakeAggregate(int iteration, fta::v1::Phase phase) {
    PhaseAggregate a;
    a.set_iteration(iteration);
    a.set_phase(phase);
    a.set_bytes(int64_t{4} << 30);
    a.set_total_seconds(2.5 + iteration);
    a.set_bandwidth_mib(1638.4);
    a.set_bandwidth_mb(1717.9869184);
    a.set_iops(1638.4);
    a.set_open_seconds(0.001);
    a.set_xfer_seconds(2.4);
    a.set_close_seconds(0.099);
    a.set_start_skew_seconds(0.0005);
    a.set_ranks(4);
    return a;
  }

  static RankPhaseResult MakeRankResult(int iteration, fta::v1::Phase phase, int rank) {
    RankPhaseResult r;
    r.set_fta_id(rank < 2 ? "fta-2" : "fta-1");
    r.set_rank(rank);
    r.set_iteration(iteration);
    r.set_phase(phase);
    const int64_t base = int64_t{1'700'000'000'000'000'000} + iteration * 1'000'000'000LL;
    r.set_open_start_ns(base + 1);
    r.set_open_end_ns(base + 2);
    r.set_xfer_start_ns(base + 3);
    r.set_xfer_end_ns(base + 4);
    r.set_close_start_ns(base + 5);
    r.set_close_end_ns(base + 6);
    r.set_bytes(int64_t{1} << 30);
    r.set_ops(1024);
    return r;
  }

  testing::FakeClock clock_{absl::ZeroDuration(), int64_t{1'700'000'123'456} * 1'000'000};
  testing::TempDir temp_{"store_test"};
  std::string dir_ = temp_.path();
  std::string path_;
};

}  // namespace fta::store
