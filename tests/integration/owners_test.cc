// What a scheduler's prolog, step and epilog ask of one fta-hostd: FTAs
// allocated for an owner, a job on that owner's FTAs held until --start-at,
// the hosts' jobs merged and stored, release by owner leaving the others.
#include <sys/time.h>

#include <filesystem>

#include <gtest/gtest.h>

#include "fta/v1/import.grpc.pb.h"
#include "tests/integration/hostd_harness.h"
#include "tests/integration/job_fixture.h"

namespace fta::testing {
namespace {

int64_t NowUnixMs() {
  timeval now;
  gettimeofday(&now, nullptr);
  return int64_t{now.tv_sec} * 1000 + now.tv_usec / 1000;
}

class OwnersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    hostd_ = std::make_unique<HostdProcess>(root_.path(), std::vector<std::string>{"--max-ftas", "4"});
    ASSERT_TRUE(hostd_->Start());
    data_dir_ = root_.path() + "/data";
    std::filesystem::create_directories(data_dir_);
  }
  void TearDown() override {
    fta::v1::ReleaseFtasRequest release;
    release.set_all(true);
    fta::v1::ReleaseFtasResponse released;
    auto context = ContextWithDeadline(60);
    (void)hostd_->ftas().ReleaseFtas(context.get(), release, &released);
  }

  grpc::Status Allocate(int count, const std::string& owner, fta::v1::AllocateFtasResponse* response) {
    fta::v1::AllocateFtasRequest request;
    request.set_count(count);
    request.set_owner(owner);
    auto context = ContextWithDeadline(120);
    return hostd_->ftas().AllocateFtas(context.get(), request, response);
  }
  fta::v1::ListFtasResponse List(const std::string& owner, bool include_released = false) {
    fta::v1::ListFtasRequest request;
    request.set_owner(owner);
    request.set_include_released(include_released);
    fta::v1::ListFtasResponse response;
    auto context = ContextWithDeadline(30);
    grpc::Status status = hostd_->ftas().ListFtas(context.get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }
  fta::v1::RunIorRequest OwnerJob(const std::string& owner) {
    fta::v1::RunIorRequest request;
    request.add_on("owner:" + owner);
    request.mutable_spec()->set_transfer_size("256k");
    request.mutable_spec()->set_block_size("1m");
    request.mutable_spec()->set_directory(data_dir_);
    request.mutable_spec()->set_write(true);
    return request;
  }
  fta::v1::Job Finished(const std::vector<fta::v1::JobEvent>& events) {
    EXPECT_FALSE(events.empty());
    EXPECT_TRUE(!events.empty() && events.back().has_finished());
    return events.empty() ? fta::v1::Job() : events.back().finished();
  }

  TempDir root_;
  std::unique_ptr<HostdProcess> hostd_;
  std::string data_dir_;
};

TEST_F(OwnersTest, AllocateListRunOnAndReleaseByOwner) {
  fta::v1::AllocateFtasResponse mine, other;
  ASSERT_TRUE(Allocate(2, "slurm:7", &mine).ok()) << hostd_->log();
  ASSERT_TRUE(Allocate(1, "", &other).ok()) << hostd_->log();
  EXPECT_EQ(mine.ftas(0).owner(), "slurm:7");
  ASSERT_EQ(List("slurm:7").ftas_size(), 2);
  EXPECT_EQ(List("").ftas_size(), 3);

  std::vector<fta::v1::JobEvent> events;
  fta::v1::RunIorRequest request = OwnerJob("slurm:7");
  request.set_max_ftas(1);
  ASSERT_TRUE(RunJob(hostd_->jobs(), request, &events).ok());
  fta::v1::Job one = Finished(events);
  EXPECT_EQ(one.state(), fta::v1::JOB_STATE_COMPLETED) << one.error();
  EXPECT_EQ(one.owner(), "slurm:7");
  ASSERT_EQ(one.agents_size(), 1);
  EXPECT_EQ(one.agents(0).fta_id(), mine.ftas(0).id());

  events.clear();
  ASSERT_TRUE(RunJob(hostd_->jobs(), OwnerJob("slurm:7"), &events).ok());
  fta::v1::Job both = Finished(events);
  ASSERT_EQ(both.agents_size(), 2);
  EXPECT_EQ(both.agents(1).fta_id(), mine.ftas(1).id());

  fta::v1::ReleaseFtasRequest release;
  release.set_owner("slurm:7");
  fta::v1::ReleaseFtasResponse released;
  auto context = ContextWithDeadline(60);
  ASSERT_TRUE(hostd_->ftas().ReleaseFtas(context.get(), release, &released).ok());
  EXPECT_EQ(released.released_size(), 2);
  EXPECT_EQ(List("slurm:7").ftas_size(), 0);
  EXPECT_EQ(List("slurm:7", /*include_released=*/true).ftas_size(), 2);
  EXPECT_EQ(List("").ftas_size(), 1);  // nobody's FTA stays
  // An epilog after a failed prolog: nothing of that owner, still OK.
  auto again = ContextWithDeadline(60);
  fta::v1::ReleaseFtasResponse none;
  ASSERT_TRUE(hostd_->ftas().ReleaseFtas(again.get(), release, &none).ok());
  EXPECT_EQ(none.released_size(), 0);
}

TEST_F(OwnersTest, BadOwnersAndStartTimesAreRefusedNamingTheField) {
  fta::v1::AllocateFtasResponse response;
  grpc::Status bad_owner = Allocate(1, "slurm 7; rm", &response);
  EXPECT_EQ(bad_owner.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(bad_owner.error_message().rfind("owner: ", 0), 0u) << bad_owner.error_message();
  ASSERT_TRUE(Allocate(1, "slurm:8", &response).ok());

  std::vector<fta::v1::JobEvent> events;
  fta::v1::RunIorRequest past = OwnerJob("slurm:8");
  past.set_start_at_unix_ms(NowUnixMs() - 1000);
  grpc::Status status = RunJob(hostd_->jobs(), past, &events);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("start_at: "), std::string::npos) << status.error_message();

  fta::v1::RunIorRequest barriers = OwnerJob("slurm:8");
  barriers.set_start_at_unix_ms(NowUnixMs() + 5000);
  barriers.mutable_spec()->set_intra_test_barriers(true);
  status = RunJob(hostd_->jobs(), barriers, &events);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("-g"), std::string::npos) << status.error_message();

  status = RunJob(hostd_->jobs(), OwnerJob("slurm:9"), &events);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(status.error_message().find("owner slurm:9 has 0 ready"), std::string::npos) << status.error_message();
}

TEST_F(OwnersTest, StartAtHoldsTheFirstPhaseAndMergedJobsAreStored) {
  fta::v1::AllocateFtasResponse response;
  ASSERT_TRUE(Allocate(2, "slurm:10", &response).ok()) << hostd_->log();
  std::vector<fta::v1::Job> jobs;
  for (int i = 0; i < 2; ++i) {
    fta::v1::RunIorRequest request = OwnerJob("slurm:10");
    request.mutable_spec()->set_file_name("host" + std::to_string(i));
    request.set_start_at_unix_ms(NowUnixMs() + 2500);
    std::vector<fta::v1::JobEvent> events;
    ASSERT_TRUE(RunJob(hostd_->jobs(), request, &events).ok());
    jobs.push_back(Finished(events));
    ASSERT_EQ(jobs.back().state(), fta::v1::JOB_STATE_COMPLETED) << jobs.back().error();
    EXPECT_EQ(jobs.back().start_at_unix_ms(), request.start_at_unix_ms());
    // Held: no rank opened its file before the agreed time.
    for (const fta::v1::RankPhaseResult& r : jobs.back().rank_results()) {
      EXPECT_GE(r.open_start_ns(), request.start_at_unix_ms() * 1'000'000) << r.ShortDebugString();
    }
  }
  auto channel = grpc::CreateChannel(hostd_->control_target(), grpc::InsecureChannelCredentials());
  std::unique_ptr<fta::v1::ImportService::Stub> imports = fta::v1::ImportService::NewStub(channel);
  fta::v1::StoreMergedJobRequest request;
  for (int i = 0; i < 2; ++i) {
    fta::v1::HostJob* part = request.add_parts();
    part->set_host(i == 0 ? "a" : "b");
    *part->mutable_job() = jobs[i];
  }
  fta::v1::MergedJob merged;
  auto context = ContextWithDeadline(60);
  grpc::Status stored = imports->StoreMergedJob(context.get(), request, &merged);
  ASSERT_TRUE(stored.ok()) << stored.error_message();
  EXPECT_EQ(merged.hosts_size(), 2);
  fta::v1::Job job = StoredJob(*hostd_, merged.job().id());
  EXPECT_EQ(job.engine(), fta::v1::ENGINE_MERGED);
  EXPECT_EQ(job.owner(), "slurm:10");
  EXPECT_EQ(job.agents_size(), 4);
  EXPECT_EQ(job.rank_results_size(), 4);
  ASSERT_EQ(job.aggregates_size(), 1);
  EXPECT_EQ(job.aggregates(0).ranks(), 4);
  EXPECT_EQ(job.aggregates(0).bytes(), jobs[0].aggregates(0).bytes() + jobs[1].aggregates(0).bytes());

  request.mutable_parts(1)->mutable_job()->set_state(fta::v1::JOB_STATE_FAILED);
  auto refused_context = ContextWithDeadline(30);
  grpc::Status refused = imports->StoreMergedJob(refused_context.get(), request, &merged);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(refused.error_message().find("parts[1]"), std::string::npos) << refused.error_message();
}

}  // namespace
}  // namespace fta::testing
