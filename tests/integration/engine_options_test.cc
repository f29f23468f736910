// The built-in engine's IOR options across real agents: fta-hostd as a
// process, fta-agent processes from its process backend, real gRPC, real
// files. What only the coordinator can do is checked here: -g barriers and
// -D wear-out span agents, reads after a stonewalled write stay inside the
// written data, -u and -C place and find files by rank; bad options are
// refused before anything runs.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "tests/integration/hostd_harness.h"
#include "tests/integration/job_fixture.h"

namespace fta::testing {
namespace {

using fta::v1::Job;
using fta::v1::JobEvent;
using fta::v1::RankPhaseResult;

class EngineOptionsTest : public HostdJobTest {
 protected:
  void Allocate(int count) { ASSERT_EQ(AllocateFtas(*hostd_, count).size(), static_cast<size_t>(count)); }

  fta::v1::RunIorRequest Request(const std::string& t, const std::string& b) {
    fta::v1::RunIorRequest request = WriteReadRequest(data_dir_, t, b);
    request.mutable_spec()->set_keep_files(true);
    return request;
  }

  // -D 1 with -Y on `ftas` FTAs: 64 KiB transfers each followed by fsync
  // into a 4 GiB block cannot finish in 1 s, so every rank's write loop is
  // stonewalled. With `wear_out`, every rank continues to the largest count;
  // with `reorder`, -C reads another agent's file. The job must complete.
  Job RunStonewalled(int ftas, bool wear_out, bool reorder) {
    Allocate(ftas);
    if (HasFatalFailure()) return Job();
    fta::v1::RunIorRequest request = Request("64k", "4g");
    request.mutable_spec()->set_stonewall_s(1);
    request.mutable_spec()->set_stonewall_wear_out(wear_out);
    request.mutable_spec()->set_fsync_per_write(true);
    request.mutable_spec()->set_reorder_tasks(reorder);
    Job job = RunToEnd(request);
    EXPECT_EQ(job.state(), fta::v1::JOB_STATE_COMPLETED) << job.error();
    return job;
  }

  grpc::Status RunExpectingRefusal(const fta::v1::RunIorRequest& request) {
    std::vector<JobEvent> events;
    return RunJob(hostd_->jobs(), request, &events);
  }

  static std::vector<RankPhaseResult> Results(const Job& job, fta::v1::Phase phase, int iteration = 0) {
    std::vector<RankPhaseResult> out;
    for (const auto& r : job.rank_results()) {
      if (r.phase() == phase && r.iteration() == iteration) out.push_back(r);
    }
    return out;
  }
};

// -g: no rank starts transferring before every rank of every agent has
// opened, and no rank closes before every rank has finished its loop. The
// timestamps come from one host clock (process FTAs), so this is causality,
// not timing.
TEST_F(EngineOptionsTest, IntraTestBarriersHoldAcrossThreeAgents) {
  ASSERT_NO_FATAL_FAILURE(Allocate(3));
  fta::v1::RunIorRequest request = Request("64k", "4m");
  request.mutable_spec()->set_intra_test_barriers(true);
  request.mutable_spec()->set_ranks_per_fta(2);
  request.mutable_spec()->set_iterations(2);
  Job job = RunToEnd(request);
  ASSERT_EQ(job.state(), fta::v1::JOB_STATE_COMPLETED) << job.error();
  for (int iteration = 0; iteration < 2; ++iteration) {
    for (fta::v1::Phase phase : {fta::v1::PHASE_WRITE, fta::v1::PHASE_READ}) {
      std::vector<RankPhaseResult> ranks = Results(job, phase, iteration);
      ASSERT_EQ(ranks.size(), 6u);
      std::set<std::string> agents;
      int64_t last_open_end = 0, first_xfer_start = INT64_MAX, last_xfer_end = 0,
              first_close_start = INT64_MAX;
      for (const auto& r : ranks) {
        agents.insert(r.fta_id());
        last_open_end = std::max(last_open_end, r.open_end_ns());
        first_xfer_start = std::min(first_xfer_start, r.xfer_start_ns());
        last_xfer_end = std::max(last_xfer_end, r.xfer_end_ns());
        first_close_start = std::min(first_close_start, r.close_start_ns());
        EXPECT_EQ(r.bytes(), 4 << 20);
      }
      EXPECT_EQ(agents.size(), 3u);
      EXPECT_GE(first_xfer_start, last_open_end) << "a rank transferred before all had opened";
      EXPECT_GE(first_close_start, last_xfer_end) << "a rank closed before all had finished";
    }
  }
}

// -D 1 with wear-out: the write loop of every rank is stonewalled after 1 s
// (64 KiB transfers each followed by fsync (-Y) into a 4 GiB block cannot
// finish in 1 s), then every rank continues to the largest count of all
// ranks on all agents. The files hold exactly that, and the read reads it.
TEST_F(EngineOptionsTest, StonewallWearOutEqualisesTransferCountsAcrossAgents) {
  Job job = RunStonewalled(3, /*wear_out=*/true, /*reorder=*/false);
  ASSERT_FALSE(HasFailure());

  std::vector<RankPhaseResult> writes = Results(job, fta::v1::PHASE_WRITE);
  ASSERT_EQ(writes.size(), 3u);
  int64_t max_stonewall = 0;
  for (const auto& r : writes) {
    EXPECT_GT(r.stonewall_ops(), 0) << "rank " << r.rank() << " was not stonewalled";
    max_stonewall = std::max(max_stonewall, r.stonewall_ops());
  }
  const int64_t total_transfers = (int64_t{4} << 30) / (64 << 10);
  for (const auto& r : writes) {
    EXPECT_EQ(r.ops(), max_stonewall) << "rank " << r.rank() << " of " << r.fta_id();
    EXPECT_LT(r.ops(), total_transfers);
    EXPECT_EQ(r.bytes(), r.ops() * (64 << 10));
    const std::string file = data_dir_ + "/testfile." +
                             std::string(8 - std::to_string(r.rank()).size(), '0') + std::to_string(r.rank());
    EXPECT_EQ(static_cast<int64_t>(std::filesystem::file_size(file)), r.bytes()) << file;
  }
  bool found_aggregate = false;
  for (const auto& a : job.aggregates()) {
    if (a.phase() != fta::v1::PHASE_WRITE) continue;
    found_aggregate = true;
    EXPECT_EQ(a.stonewall_max_ops(), max_stonewall);
    EXPECT_GT(a.stonewall_min_ops(), 0);
    EXPECT_LE(a.stonewall_min_ops(), a.stonewall_max_ops());
    EXPECT_EQ(a.bytes(), 3 * max_stonewall * (64 << 10));
  }
  EXPECT_TRUE(found_aggregate);
  // The read phase reads what was written, no more (it would hit EOF).
  std::vector<RankPhaseResult> reads = Results(job, fta::v1::PHASE_READ);
  ASSERT_EQ(reads.size(), 3u);
  for (const auto& r : reads) EXPECT_EQ(r.ops(), max_stonewall) << "rank " << r.rank();
}

// -D without wear-out: each rank stops on its own; the read after it is
// capped at the smallest count so no reader runs off the end of a file, even
// with -C reading another agent's file.
TEST_F(EngineOptionsTest, StonewallWithoutWearOutReadsOnlyWhatEveryRankWrote) {
  Job job = RunStonewalled(2, /*wear_out=*/false, /*reorder=*/true);
  ASSERT_FALSE(HasFailure());
  int64_t min_written = INT64_MAX;
  for (const auto& r : Results(job, fta::v1::PHASE_WRITE)) {
    EXPECT_EQ(r.ops(), r.stonewall_ops());
    min_written = std::min(min_written, r.ops());
  }
  for (const auto& r : Results(job, fta::v1::PHASE_READ)) EXPECT_EQ(r.ops(), min_written);
}

// -u: rank r's file is in DIR/r/; -C -Q 1 makes rank r read rank r+1's.
TEST_F(EngineOptionsTest, UniqueDirAndReorderAcrossAgents) {
  ASSERT_NO_FATAL_FAILURE(Allocate(2));
  fta::v1::RunIorRequest request = Request("1m", "8m");
  request.mutable_spec()->set_unique_dir(true);
  request.mutable_spec()->set_reorder_tasks(true);
  request.mutable_spec()->set_random_offset(true);
  request.mutable_spec()->set_segments(2);
  Job job = RunToEnd(request);
  ASSERT_EQ(job.state(), fta::v1::JOB_STATE_COMPLETED) << job.error();
  EXPECT_EQ(std::filesystem::file_size(data_dir_ + "/0/testfile.00000000"), 16u << 20);
  EXPECT_EQ(std::filesystem::file_size(data_dir_ + "/1/testfile.00000001"), 16u << 20);
  EXPECT_FALSE(std::filesystem::exists(data_dir_ + "/testfile.00000000"));
  // The all-active window and skew are stored with the aggregate (read back
  // through GetJob, i.e. from SQLite) and agree with the rank timestamps.
  Job stored = StoredJob(*hostd_, job.id());
  ASSERT_EQ(stored.aggregates_size(), 2);
  for (const auto& a : stored.aggregates()) {
    int64_t last_open_start = 0, first_close_end = INT64_MAX, first_open_start = INT64_MAX;
    for (const auto& r : Results(job, a.phase())) {
      last_open_start = std::max(last_open_start, r.open_start_ns());
      first_open_start = std::min(first_open_start, r.open_start_ns());
      first_close_end = std::min(first_close_end, r.close_end_ns());
    }
    const double window = std::max<int64_t>(0, first_close_end - last_open_start) / 1e9;
    EXPECT_NEAR(a.all_active_seconds(), window, 1e-6) << fta::v1::Phase_Name(a.phase());
    EXPECT_NEAR(a.start_skew_seconds(), (last_open_start - first_open_start) / 1e9, 1e-6);
    EXPECT_GE(a.all_active_bandwidth_mib(), 0);
    if (window == 0) {
      EXPECT_EQ(a.all_active_bandwidth_mib(), 0);
    }
    EXPECT_LE(a.all_active_seconds(), a.total_seconds());
  }
}

TEST_F(EngineOptionsTest, BadOptionsAreRefusedBeforeAnythingRuns) {
  ASSERT_NO_FATAL_FAILURE(Allocate(1));
  struct Case {
    std::string name;
    std::function<void(fta::v1::IorSpec*)> apply;
    std::string t, b, message;
  };
  std::vector<Case> cases = {
      {"odirect unaligned", [](fta::v1::IorSpec* s) { s->set_odirect(true); }, "10k", "40k",
       "multiple of 4096"},
      {"-z with b == t", [](fta::v1::IorSpec* s) { s->set_random_offset(true); }, "1m", "1m", "-z"},
      {"wear-out without -D", [](fta::v1::IorSpec* s) { s->set_stonewall_wear_out(true); }, "1m", "4m", "-D"},
      {"negative -D", [](fta::v1::IorSpec* s) { s->set_stonewall_s(-1); }, "1m", "4m", "stonewall_s (-D)"},
  };
  for (const Case& c : cases) {
    fta::v1::RunIorRequest request = Request(c.t, c.b);
    c.apply(request.mutable_spec());
    grpc::Status status = RunExpectingRefusal(request);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << c.name << ": " << status.error_message();
    EXPECT_NE(status.error_message().find(c.message), std::string::npos)
        << c.name << ": " << status.error_message();
  }
  EXPECT_TRUE(std::filesystem::is_empty(data_dir_));
}

}  // namespace
}  // namespace fta::testing
