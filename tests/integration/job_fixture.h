// The steps integration suites repeat around a running fta-hostd: allocate
// FTAs, build a write+read job, find a job's verdict among its events, and
// clean up after a test (also after one that failed half-way).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "fta/v1/job.grpc.pb.h"
#include "fta/v1/fta.grpc.pb.h"
#include "tests/integration/hostd_harness.h"

namespace fta::testing {

// Allocates `count` FTAs; a refused call is a test failure and yields none.
std::vector<fta::v1::Fta> AllocateFtas(HostdProcess& hostd, int count);

// Releases every FTA, stops the daemon and kills agents it left behind
// (only matters when a test failed half-way).
void ReleaseAllAndStop(HostdProcess& hostd);

// A write+read job on all FTAs in `directory`.
fta::v1::RunIorRequest WriteReadRequest(const std::string& directory, const std::string& transfer_size,
                                        const std::string& block_size);

// The job carried by the finished event; a test failure when there is none.
fta::v1::Job FinishedJob(const std::vector<fta::v1::JobEvent>& events);

// The job as the daemon has it stored (GetJob); a refused call is a test
// failure and yields an empty job.
fta::v1::Job StoredJob(HostdProcess& hostd, const std::string& id);

// CancelJob of `id`, the job as cancelled in `*job`.
grpc::Status CancelJob(HostdProcess& hostd, const std::string& id, fta::v1::Job* job, int deadline_s = 60);

// Runs the job to its end (RunJob); a failed stream is a test failure.
fta::v1::Job RunToEnd(fta::v1::JobService::Stub& jobs, const fta::v1::RunIorRequest& request);

// A test with its own fta-hostd (process backend) on private sockets and an
// empty data directory for its jobs. TearDown releases every FTA, stops the
// daemon and, after a failure, prints the daemon's log.
class HostdJobTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  std::vector<fta::v1::Fta> Allocate(int count) { return AllocateFtas(*hostd_, count); }
  fta::v1::Job RunToEnd(const fta::v1::RunIorRequest& request) { return testing::RunToEnd(hostd_->jobs(), request); }

  TempDir root_;
  std::string data_dir_;
  std::unique_ptr<HostdProcess> hostd_;
};

}  // namespace fta::testing
