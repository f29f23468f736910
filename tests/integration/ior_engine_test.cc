// The real-ior engine's choice (registration, default, refusals; its MPI
// runs with the real IOR are mpi_engine_test, label `ior`) and IOR outputs
// imported with `ftactl results import`, end to end: fta-hostd and
// fta-agent processes, real gRPC, real files, real SQLite. The agents find
// tests/support/ior_double.cc (built as `ior`) in PATH.
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "lib/core/file_text.h"
#include "tests/integration/hostd_harness.h"
#include "tests/integration/job_fixture.h"

namespace fta::testing {
namespace {

using ::testing::HasSubstr;
using fta::v1::Job;
using fta::v1::JobEvent;

const std::string kFixtures = std::string(FTA_TEST_DATA_DIR) + "/ior/";

class IorEngineTest : public HostdJobTest {
 protected:
  void SetUp() override {
    // Agents inherit the daemon's environment, the daemon ours.
    const char* path = std::getenv("PATH");
    saved_path_ = path != nullptr ? path : "";
    setenv("PATH", (std::string(FTA_IOR_DOUBLE_DIR) + ":" + saved_path_).c_str(), 1);
    setenv("FTA_IOR_DOUBLE_BW_MIB", "1234.5", 1);
    ior_log_ = root_.path() + "/ior-argv.log";
    setenv("FTA_IOR_DOUBLE_LOG", ior_log_.c_str(), 1);
    HostdJobTest::SetUp();
  }

  void TearDown() override {
    HostdJobTest::TearDown();
    setenv("PATH", saved_path_.c_str(), 1);
    unsetenv("FTA_IOR_DOUBLE_BW_MIB");
    unsetenv("FTA_IOR_DOUBLE_LOG");
  }

  fta::v1::RunIorRequest Request(fta::v1::Engine engine) {
    fta::v1::RunIorRequest request = WriteReadRequest(data_dir_, "64k", "256k");
    fta::v1::IorSpec& spec = *request.mutable_spec();
    spec.set_segments(2);
    spec.set_iterations(2);
    spec.set_engine(engine);
    return request;
  }

  int StoredJobCount() {
    fta::v1::ListJobsResponse listed;
    auto context = ContextWithDeadline(30);
    EXPECT_TRUE(hostd_->jobs().ListJobs(context.get(), fta::v1::ListJobsRequest(), &listed).ok());
    return listed.jobs_size();
  }

  std::string saved_path_;
  std::string ior_log_;
};

TEST_F(IorEngineTest, AgentsReportIorAndItsVersionAtRegistration) {
  std::vector<fta::v1::Fta> ftas = Allocate(2);
  ASSERT_EQ(ftas.size(), 2u);
  for (const auto& fta : ftas) {
    EXPECT_EQ(fta.ior_path(), std::string(FTA_IOR_DOUBLE_DIR) + "/ior") << fta.id();
    EXPECT_EQ(fta.ior_version(), "4.1.0+dev") << fta.id();
  }
}

TEST_F(IorEngineTest, DefaultEngineIsBuiltinEvenWhenEveryAgentHasIor) {
  ASSERT_EQ(Allocate(2).size(), 2u);
  Job automatic = RunToEnd(Request(fta::v1::ENGINE_UNSPECIFIED));
  ASSERT_EQ(automatic.state(), fta::v1::JOB_STATE_COMPLETED) << automatic.error();
  EXPECT_EQ(automatic.engine(), fta::v1::ENGINE_BUILTIN);
  EXPECT_EQ(automatic.timestamp_source(), "engine");
}

TEST_F(IorEngineTest, OptionsIorCannotBeGivenAreRefused) {
  ASSERT_EQ(Allocate(1).size(), 1u);
  fta::v1::RunIorRequest request = Request(fta::v1::ENGINE_IOR);
  request.mutable_spec()->set_random_offset(true);
  request.mutable_spec()->set_random_seed(42);
  std::vector<JobEvent> events;
  grpc::Status status = RunJob(hostd_->jobs(), request, &events);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("random_seed: IOR seeds -z itself"));
}

TEST_F(IorEngineTest, ImportPrintsAndStoresIorOutputs) {
  CommandResult text = hostd_->Ftactl({"job", "import", kFixtures + "posix-nn-np2-t1m-b64m-i3.txt"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_THAT(text.out, HasSubstr("ior-import"));

  CommandResult json = hostd_->Ftactl({"-o", "json", "results", "import", kFixtures + "posix-nn-np2-t1m-b16m-s4-C-e-g.json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  nlohmann::json job = nlohmann::json::parse(json.out);
  EXPECT_EQ(job["engine"], "ior-import");
  EXPECT_EQ(job["ior_version"], "4.1.0+dev");
  EXPECT_EQ(job["timestamp_source"], "ior-reported");
  ASSERT_EQ(job["aggregates"].size(), 4u);
  EXPECT_DOUBLE_EQ(job["aggregates"][0]["bandwidth_mib"].get<double>(), 1257.2442);
  EXPECT_EQ(job["aggregates"][0]["bytes"], "134217728");  // int64 is a string in proto JSON
  ASSERT_EQ(job["summaries"].size(), 2u);
  EXPECT_DOUBLE_EQ(job["summaries"][0]["max_mib"].get<double>(), 1330.2153);
  EXPECT_DOUBLE_EQ(job["summaries"][0]["stddev_mib"].get<double>(), 36.4856);
  EXPECT_EQ(StoredJobCount(), 2);

  // Stored: job show prints the same record.
  CommandResult shown = hostd_->Ftactl({"-o", "json", "job", "show", job["id"].get<std::string>()});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_EQ(nlohmann::json::parse(shown.out)["source"], kFixtures + "posix-nn-np2-t1m-b16m-s4-C-e-g.json");
}

TEST_F(IorEngineTest, ImportTakesMultiTestRunsAndPerRankCsv) {
  // Two tests and, after the text run, its per-rank CSV: three jobs, one with rank rows.
  CommandResult out = hostd_->Ftactl({"-o", "json", "results", "import", kFixtures + "local-multi-test.json",
                              kFixtures + "local-ranks-i2.txt", kFixtures + "local-ranks-i2.ranks.csv"});
  ASSERT_EQ(out.exit_code, 0) << out.err;
  nlohmann::json listed = nlohmann::json::parse(out.out);
  ASSERT_EQ(listed["jobs"].size(), 3u);
  EXPECT_EQ(listed["jobs"][1]["source"], kFixtures + "local-multi-test.json (test 1)");
  EXPECT_DOUBLE_EQ(listed["jobs"][1]["aggregates"][2]["bandwidth_mib"].get<double>(), 9069.9911);
  EXPECT_EQ(listed["jobs"][2]["rank_results"].size(), 8u);
  EXPECT_EQ(StoredJobCount(), 3);

  // A per-rank CSV alone is refused, naming it; the rest still imports.
  CommandResult alone = hostd_->Ftactl({"results", "import", kFixtures + "local-ranks-i2.ranks.csv"});
  EXPECT_EQ(alone.exit_code, 1);
  EXPECT_THAT(alone.err, HasSubstr("INVALID_ARGUMENT: " + kFixtures +
                                   "local-ranks-i2.ranks.csv: IOR's per-rank CSV: give it right after the output "
                                   "of its run"));
}

TEST_F(IorEngineTest, TruncatedOrFailedOutputsAreRefusedAndNothingIsStored) {
  std::string text = ReadFileOrEmpty(kFixtures + "posix-nn-np2-t1m-b64m-i3.txt");
  std::string truncated = root_.path() + "/truncated.txt";
  std::ofstream(truncated) << text.substr(0, text.find("Summary of all tests:"));
  CommandResult cut = hostd_->Ftactl({"results", "import", truncated});
  EXPECT_EQ(cut.exit_code, 1);
  EXPECT_THAT(cut.err, HasSubstr("INVALID_ARGUMENT"));
  EXPECT_THAT(cut.err, HasSubstr(truncated + ": line 40: output ends inside the Results table"));

  CommandResult failed = hostd_->Ftactl({"results", "import", kFixtures + "fail-nonexistent-dir.json"});
  EXPECT_EQ(failed.exit_code, 1);
  EXPECT_THAT(failed.err, HasSubstr("records a failed IOR run"));
  EXPECT_THAT(failed.err, HasSubstr("ERROR: open64("));
  EXPECT_EQ(StoredJobCount(), 0);
}

}  // namespace
}  // namespace fta::testing
