// Bad input is refused with the field named, and loses nothing: the daemon
// keeps serving, no FTA leaks, and a valid request still succeeds afterwards.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/integration/hostd_harness.h"
#include "tests/integration/job_fixture.h"
#include "tests/integration/shared_hostd.h"

namespace fta::testing {
namespace {

class BadInputTest : public SharedHostdSuite {
 protected:
  static void SetUpTestSuite() { StartSharedHostd(2); }

  static fta::v1::RunIorRequest ValidRequest() { return WriteReadRequest(data_dir_, "1m", "4m"); }

  static grpc::Status Run(const fta::v1::RunIorRequest& request) {
    std::vector<fta::v1::JobEvent> events;
    return RunJob(hostd_->jobs(), request, &events);
  }

  static int ActiveFtas() {
    fta::v1::ListFtasResponse listed;
    auto context = ContextWithDeadline(30);
    EXPECT_TRUE(hostd_->ftas().ListFtas(context.get(), fta::v1::ListFtasRequest(), &listed).ok());
    return listed.ftas_size();
  }

};

#define EXPECT_REFUSED(status, code, field)                                          \
  do {                                                                               \
    grpc::Status s_ = (status);                                                      \
    EXPECT_EQ(s_.error_code(), grpc::StatusCode::code) << s_.error_message();        \
    EXPECT_NE(s_.error_message().find(field), std::string::npos) << s_.error_message(); \
  } while (0)

TEST_F(BadInputTest, AllocateCountsAreChecked) {
  struct Case {
    int count;
    grpc::StatusCode code;
  };
  for (Case c : {Case{0, grpc::StatusCode::INVALID_ARGUMENT}, Case{-1, grpc::StatusCode::INVALID_ARGUMENT},
                 Case{1000000, grpc::StatusCode::INVALID_ARGUMENT},
                 Case{3, grpc::StatusCode::RESOURCE_EXHAUSTED}}) {
    fta::v1::AllocateFtasResponse response;
    grpc::Status status = hostd_->Allocate(c.count, &response, fta::v1::FTA_KIND_UNSPECIFIED, 60);
    EXPECT_EQ(status.error_code(), c.code) << c.count << ": " << status.error_message();
    EXPECT_NE(status.error_message().find("count"), std::string::npos) << status.error_message();
  }
  EXPECT_EQ(ActiveFtas(), 2) << "a refused allocation must not leave FTAs behind";
}

TEST_F(BadInputTest, IorSpecErrorsNameTheField) {
  struct Case {
    const char* name;
    std::function<void(fta::v1::RunIorRequest*)> change;
    grpc::StatusCode code;
    const char* field;
  };
  std::string file = data_dir_ + "/plain-file";
  std::ofstream(file) << "x";
  std::vector<Case> cases = {
      {"zero transfer", [](auto* r) { r->mutable_spec()->set_transfer_size("0"); },
       grpc::StatusCode::INVALID_ARGUMENT, "-t"},
      {"unparsable transfer", [](auto* r) { r->mutable_spec()->set_transfer_size("abc"); },
       grpc::StatusCode::INVALID_ARGUMENT, "transfer_size"},
      {"unknown suffix", [](auto* r) { r->mutable_spec()->set_block_size("4x"); },
       grpc::StatusCode::INVALID_ARGUMENT, "block_size"},
      {"block not multiple of transfer", [](auto* r) { r->mutable_spec()->set_block_size("1536k"); },
       grpc::StatusCode::INVALID_ARGUMENT, "-b"},
      {"negative segments", [](auto* r) { r->mutable_spec()->set_segments(-1); },
       grpc::StatusCode::INVALID_ARGUMENT, "segments"},
      {"negative iterations", [](auto* r) { r->mutable_spec()->set_iterations(-5); },
       grpc::StatusCode::INVALID_ARGUMENT, "iterations"},
      {"absurd iterations", [](auto* r) { r->mutable_spec()->set_iterations(1000000000); },
       grpc::StatusCode::INVALID_ARGUMENT, "-i"},
      {"missing directory", [](auto* r) { r->mutable_spec()->set_directory("/nonexistent/fta"); },
       grpc::StatusCode::INVALID_ARGUMENT, "directory"},
      {"directory is a file", [file](auto* r) { r->mutable_spec()->set_directory(file); },
       grpc::StatusCode::INVALID_ARGUMENT, "not a directory"},
      {"system directory /proc/1", [](auto* r) { r->mutable_spec()->set_directory("/proc/1"); },
       grpc::StatusCode::INVALID_ARGUMENT, "system directory"},
      {"system directory /etc", [](auto* r) { r->mutable_spec()->set_directory("/etc"); },
       grpc::StatusCode::INVALID_ARGUMENT, "directory (-d): /etc is a system directory"},
      {"relative directory", [](auto* r) { r->mutable_spec()->set_directory("data"); },
       grpc::StatusCode::INVALID_ARGUMENT, "directory"},
      {"unknown FTA", [](auto* r) { r->clear_on(); r->add_on("fta-99"); },
       grpc::StatusCode::INVALID_ARGUMENT, "fta-99"},
      {"no target", [](auto* r) { r->clear_on(); }, grpc::StatusCode::INVALID_ARGUMENT, "on"},
      {"unknown engine", [](auto* r) { r->mutable_spec()->set_engine(fta::v1::ENGINE_IOR_IMPORT); },
       grpc::StatusCode::INVALID_ARGUMENT, "engine"},
  };
  for (const Case& c : cases) {
    fta::v1::RunIorRequest request = ValidRequest();
    c.change(&request);
    grpc::Status status = Run(request);
    EXPECT_EQ(status.error_code(), c.code) << c.name << ": " << status.error_message();
    EXPECT_NE(status.error_message().find(c.field), std::string::npos) << c.name << ": " << status.error_message();
  }
  // Nothing was half-started: the FTAs are idle and a valid job runs.
  std::vector<fta::v1::JobEvent> events;
  ASSERT_TRUE(RunJob(hostd_->jobs(), ValidRequest(), &events).ok());
  ASSERT_FALSE(events.empty());
  ASSERT_TRUE(events.back().has_finished());
  EXPECT_EQ(events.back().finished().state(), fta::v1::JOB_STATE_COMPLETED) << events.back().finished().error();
}

TEST_F(BadInputTest, OversizedStringsAreRefusedAndNotStored) {
  const std::string huge_name(3 << 20, 'n');
  fta::v1::RunIorRequest request = ValidRequest();
  request.mutable_spec()->set_file_name(huge_name);
  grpc::Status status = Run(request);
  EXPECT_REFUSED(status, INVALID_ARGUMENT, "spec.file_name: 3145728 bytes, at most 255");
  EXPECT_LT(status.error_message().size(), 400u) << "the echo is truncated";

  fta::v1::GetJobRequest get;
  get.set_id(std::string(1 << 20, 'j'));
  fta::v1::Job job;
  auto context = ContextWithDeadline(30);
  grpc::Status got = hostd_->jobs().GetJob(context.get(), get, &job);
  EXPECT_REFUSED(got, INVALID_ARGUMENT, "id: 1048576 bytes, at most 128");
  EXPECT_LT(got.error_message().size(), 400u);

  fta::v1::AllocateFtasRequest allocate;
  allocate.set_count(1);
  allocate.set_owner(std::string(10000, 'o'));
  fta::v1::AllocateFtasResponse allocated;
  auto allocate_context = ContextWithDeadline(30);
  EXPECT_REFUSED(hostd_->ftas().AllocateFtas(allocate_context.get(), allocate, &allocated), INVALID_ARGUMENT,
                 "owner");
  EXPECT_EQ(ActiveFtas(), 2);
  // Nothing of it reached the database.
  EXPECT_LT(std::filesystem::file_size(hostd_->state_dir() + "/fta-hostd.db"), 1u << 20);
  EXPECT_EQ(hostd_->log().find(std::string(1000, 'n')), std::string::npos) << "no 3 MB log line";
}

TEST_F(BadInputTest, TransferBuffersMustFitInMemory) {
  fta::v1::HostInfo host;
  auto context = ContextWithDeadline(30);
  ASSERT_TRUE(hostd_->host().GetHost(context.get(), fta::v1::GetHostRequest(), &host).ok());
  // 4 ranks of -t 8g = 32 GiB of buffers; on a larger host, scale up.
  int64_t transfer_gib = 8;
  while (transfer_gib * 4 <= (host.memory_bytes() >> 30) / 2) transfer_gib *= 2;
  fta::v1::RunIorRequest request = ValidRequest();
  request.mutable_spec()->set_transfer_size(std::to_string(transfer_gib) + "g");
  request.mutable_spec()->set_block_size(std::to_string(transfer_gib) + "g");
  request.mutable_spec()->set_ranks_per_fta(4);
  grpc::Status status = Run(request);
  EXPECT_REFUSED(status, INVALID_ARGUMENT, "transfer_size (-t)");
  EXPECT_NE(status.error_message().find("x 4 rank(s) per FTA"), std::string::npos) << status.error_message();
}

TEST_F(BadInputTest, UnknownIdsAreNotFound) {
  fta::v1::GetFtaRequest get;
  get.set_id("fta-99");
  fta::v1::Fta fta;
  auto context = ContextWithDeadline(30);
  EXPECT_REFUSED(hostd_->ftas().GetFta(context.get(), get, &fta), NOT_FOUND, "fta-99");

  fta::v1::ReleaseFtasRequest release;
  release.add_ids("fta-1");
  release.add_ids("fta-99");
  fta::v1::ReleaseFtasResponse released;
  auto release_context = ContextWithDeadline(30);
  EXPECT_REFUSED(hostd_->ftas().ReleaseFtas(release_context.get(), release, &released), NOT_FOUND, "fta-99");
  EXPECT_EQ(ActiveFtas(), 2) << "fta-1 must not be released when another id is unknown";

  fta::v1::GetJobRequest job;
  job.set_id("job-999");
  fta::v1::Job out;
  auto job_context = ContextWithDeadline(30);
  EXPECT_REFUSED(hostd_->jobs().GetJob(job_context.get(), job, &out), NOT_FOUND, "job-999");
}

TEST_F(BadInputTest, FtactlExitsNonZeroWithTheField) {
  CommandResult zero = hostd_->Ftactl({"vm", "allocate", "-n", "0"});
  EXPECT_NE(zero.exit_code, 0);
  EXPECT_NE(zero.err.find("INVALID_ARGUMENT"), std::string::npos) << zero.err;
  EXPECT_NE(zero.err.find("count"), std::string::npos) << zero.err;

  CommandResult bad_size = hostd_->Ftactl({"ior", "run", "--on",
                                       "all", "-t", "0", "-b", "1m", "-d", data_dir_});
  EXPECT_NE(bad_size.exit_code, 0);
  EXPECT_NE(bad_size.err.find("-t"), std::string::npos) << bad_size.err;
}

TEST_F(BadInputTest, FtactlJsonRunHasAggregatesAgentsAndSkew) {
  CommandResult run = hostd_->Ftactl({"-o", "json", "ior", "run",
                                  "--on", "all", "-t", "1m", "-b", "16m", "-d", data_dir_});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  nlohmann::json job = nlohmann::json::parse(run.out);
  EXPECT_EQ(job["state"], "completed");
  EXPECT_EQ(job["agents"].size(), 2u);
  ASSERT_EQ(job["aggregates"].size(), 2u);
  std::set<std::string> phases;
  for (const auto& aggregate : job["aggregates"]) {
    phases.insert(aggregate["phase"].get<std::string>());
    EXPECT_GT(aggregate["bandwidth_mib"].get<double>(), 0.0);
    EXPECT_TRUE(aggregate.contains("start_skew_seconds"));
  }
  EXPECT_EQ(phases, (std::set<std::string>{"write", "read"}));  // ftactl's words, as in its tables
}

}  // namespace
}  // namespace fta::testing
