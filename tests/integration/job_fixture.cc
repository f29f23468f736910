#include "tests/integration/job_fixture.h"

#include <filesystem>
#include <iostream>

namespace fta::testing {

std::vector<fta::v1::Fta> AllocateFtas(HostdProcess& hostd, int count) {
  fta::v1::AllocateFtasRequest request;
  request.set_count(count);
  fta::v1::AllocateFtasResponse response;
  auto context = ContextWithDeadline(120);
  grpc::Status status = hostd.ftas().AllocateFtas(context.get(), request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return {response.ftas().begin(), response.ftas().end()};
}

void ReleaseAllAndStop(HostdProcess& hostd) {
  std::vector<int64_t> pids;
  fta::v1::ListFtasResponse listed;
  auto context = ContextWithDeadline(30);
  if (hostd.ftas().ListFtas(context.get(), fta::v1::ListFtasRequest(), &listed).ok()) {
    for (const auto& fta : listed.ftas()) pids.push_back(fta.pid());
  }
  fta::v1::ReleaseFtasRequest release;
  release.set_all(true);
  fta::v1::ReleaseFtasResponse released;
  auto release_context = ContextWithDeadline(60);
  (void)hostd.ftas().ReleaseFtas(release_context.get(), release, &released);
  hostd.Stop();
  KillAgents(pids);
}

fta::v1::RunIorRequest WriteReadRequest(const std::string& directory, const std::string& transfer_size,
                                        const std::string& block_size) {
  fta::v1::RunIorRequest request;
  request.add_on("all");
  request.mutable_spec()->set_transfer_size(transfer_size);
  request.mutable_spec()->set_block_size(block_size);
  request.mutable_spec()->set_write(true);
  request.mutable_spec()->set_read(true);
  request.mutable_spec()->set_directory(directory);
  return request;
}

fta::v1::Job FinishedJob(const std::vector<fta::v1::JobEvent>& events) {
  for (const fta::v1::JobEvent& event : events) {
    if (event.has_finished()) return event.finished();
  }
  ADD_FAILURE() << "no finished event among " << events.size();
  return fta::v1::Job();
}

fta::v1::Job RunToEnd(fta::v1::JobService::Stub& jobs, const fta::v1::RunIorRequest& request) {
  std::vector<fta::v1::JobEvent> events;
  grpc::Status status = RunJob(jobs, request, &events);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return FinishedJob(events);
}

void HostdJobTest::SetUp() {
  hostd_ = std::make_unique<HostdProcess>(root_.path());
  ASSERT_TRUE(hostd_->Start());
  data_dir_ = root_.path() + "/data";
  std::filesystem::create_directories(data_dir_);
}

void HostdJobTest::TearDown() {
  if (hostd_) ReleaseAllAndStop(*hostd_);
  if (HasFailure() && hostd_) std::cerr << "---- fta-hostd log ----\n" << hostd_->log();
}

grpc::Status CancelJob(HostdProcess& hostd, const std::string& id, fta::v1::Job* job, int deadline_s) {
  fta::v1::CancelJobRequest request;
  request.set_id(id);
  auto context = ContextWithDeadline(deadline_s);
  return hostd.jobs().CancelJob(context.get(), request, job);
}

fta::v1::Job StoredJob(HostdProcess& hostd, const std::string& id) {
  fta::v1::GetJobRequest request;
  request.set_id(id);
  fta::v1::Job job;
  auto context = ContextWithDeadline(30);
  grpc::Status status = hostd.jobs().GetJob(context.get(), request, &job);
  EXPECT_TRUE(status.ok()) << "GetJob " << id << ": " << status.error_message();
  return job;
}

}  // namespace fta::testing
