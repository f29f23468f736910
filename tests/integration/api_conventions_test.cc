// The public API's conventions, end to end (fta-hostd process, its process
// backend's agents, real gRPC and ftactl): List calls page (page_size,
// page_token, next_page_token) and refuse bad tokens naming page_token;
// allocations take an FTA kind; ftactl prints enums as its words in JSON;
// `vm` still works as the `fta` noun.
#include <set>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/integration/hostd_harness.h"
#include "tests/integration/shared_hostd.h"

namespace fta::testing {
namespace {

using ::testing::HasSubstr;

class ApiConventionsTest : public SharedHostdSuite {
 protected:
  static void SetUpTestSuite() { StartSharedHostd(3); }

  static grpc::Status ListFtas(int32_t page_size, const std::string& token, fta::v1::ListFtasResponse* page) {
    fta::v1::ListFtasRequest request;
    request.set_page_size(page_size);
    request.set_page_token(token);
    auto context = ContextWithDeadline(30);
    return hostd_->ftas().ListFtas(context.get(), request, page);
  }


};

TEST_F(ApiConventionsTest, ListFtasPagesThroughEveryFtaOnce) {
  fta::v1::ListFtasResponse whole;
  ASSERT_TRUE(ListFtas(0, "", &whole).ok());
  EXPECT_EQ(whole.next_page_token(), "");
  ASSERT_EQ(whole.ftas_size(), 3);

  std::vector<std::string> paged;
  std::string token;
  int pages = 0;
  do {
    fta::v1::ListFtasResponse page;
    grpc::Status status = ListFtas(1, token, &page);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_LE(page.ftas_size(), 1);
    for (const auto& fta : page.ftas()) paged.push_back(fta.id());
    token = page.next_page_token();
    ASSERT_LT(++pages, 10) << "paging does not end";
  } while (!token.empty());
  std::vector<std::string> expected;
  for (const auto& fta : whole.ftas()) expected.push_back(fta.id());
  EXPECT_EQ(paged, expected);
  EXPECT_GE(pages, 3);
}

TEST_F(ApiConventionsTest, PageSizeOverTheMaximumIsReducedAndNegativeIsRefused) {
  fta::v1::ListFtasResponse page;
  grpc::Status huge = ListFtas(1 << 30, "", &page);
  ASSERT_TRUE(huge.ok()) << huge.error_message();
  EXPECT_EQ(page.ftas_size(), 3);
  grpc::Status negative = ListFtas(-1, "", &page);
  EXPECT_EQ(negative.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(negative.error_message(), HasSubstr("page_size"));
}

TEST_F(ApiConventionsTest, BadOrForeignPageTokensAreInvalidArgumentNamingPageToken) {
  fta::v1::ListFtasResponse page;
  grpc::Status garbage = ListFtas(1, "not-a-token", &page);
  EXPECT_EQ(garbage.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(garbage.error_message(), HasSubstr("page_token"));

  // A token of the FTA list is no token of the job list.
  ASSERT_TRUE(ListFtas(1, "", &page).ok());
  ASSERT_FALSE(page.next_page_token().empty());
  fta::v1::ListJobsRequest jobs;
  jobs.set_page_token(page.next_page_token());
  fta::v1::ListJobsResponse listed;
  auto context = ContextWithDeadline(30);
  grpc::Status foreign = hostd_->jobs().ListJobs(context.get(), jobs, &listed);
  EXPECT_EQ(foreign.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(foreign.error_message(), HasSubstr("page_token"));
}

TEST_F(ApiConventionsTest, ContainerAndVmKindsAreRefusedByTheProcessBackend) {
  for (fta::v1::FtaKind kind : {fta::v1::FTA_KIND_CONTAINER, fta::v1::FTA_KIND_VM}) {
    fta::v1::AllocateFtasResponse response;
    grpc::Status status = hostd_->Allocate(1, &response, kind, 30);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << fta::v1::FtaKind_Name(kind);
    EXPECT_THAT(status.error_message(), HasSubstr("kind")) << status.error_message();
  }
  CommandResult container = hostd_->Ftactl({"fta", "allocate", "-n", "1", "--kind", "container"});
  EXPECT_EQ(container.exit_code, 1);
  EXPECT_THAT(container.err, HasSubstr("FAILED_PRECONDITION"));
  EXPECT_THAT(container.err, HasSubstr("no container backend"));
  CommandResult bogus = hostd_->Ftactl({"fta", "allocate", "-n", "1", "--kind", "jail"});
  EXPECT_EQ(bogus.exit_code, 2);
  EXPECT_THAT(bogus.err, HasSubstr("--kind"));

  fta::v1::ListFtasResponse whole;
  ASSERT_TRUE(ListFtas(0, "", &whole).ok());
  EXPECT_EQ(whole.ftas_size(), 3) << "a refused allocation starts nothing";
}

TEST_F(ApiConventionsTest, FtactlFtaListPrintsKindsAndStatesAsWordsAndVmIsAnAlias) {
  CommandResult listed = hostd_->Ftactl({"-o", "json", "fta", "list"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  nlohmann::json ftas = nlohmann::json::parse(listed.out)["ftas"];
  ASSERT_EQ(ftas.size(), 3u);
  for (const auto& fta : ftas) {
    EXPECT_EQ(fta["kind"], "process") << fta.dump();
    EXPECT_EQ(fta["backend"], "process") << fta.dump();
    EXPECT_EQ(fta["state"], "ready") << fta.dump();
  }
  CommandResult alias = hostd_->Ftactl({"-o", "json", "vm", "list"});
  ASSERT_EQ(alias.exit_code, 0) << alias.err;
  EXPECT_EQ(alias.out, listed.out);

  CommandResult table = hostd_->Ftactl({"vm", "list"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_THAT(table.out, HasSubstr("process"));
  EXPECT_THAT(table.out, HasSubstr("ready"));
}

// Three jobs (IOR outputs imported, so no run is needed), read one per page
// over gRPC and by ftactl, which fetches every page unless --limit says.
TEST_F(ApiConventionsTest, JobListPagesNewestFirstAndFtactlLimitStillLimits) {
  const std::string fixtures = std::string(FTA_TEST_DATA_DIR) + "/ior/";
  for (const char* file : {"posix-nn-np2-t1m-b64m-i3.txt", "posix-nn-np2-t100k-b64000k.json",
                           "posix-nn-np2-t10k-b64000k.txt"}) {
    CommandResult imported = hostd_->Ftactl({"job", "import", fixtures + file});
    ASSERT_EQ(imported.exit_code, 0) << imported.err;
  }
  std::vector<std::string> paged;
  std::string token;
  do {
    fta::v1::ListJobsRequest request;
    request.set_page_size(1);
    request.set_page_token(token);
    fta::v1::ListJobsResponse page;
    auto context = ContextWithDeadline(30);
    grpc::Status status = hostd_->jobs().ListJobs(context.get(), request, &page);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_LE(page.jobs_size(), 1);
    for (const auto& job : page.jobs()) paged.push_back(job.id());
    token = page.next_page_token();
    ASSERT_LE(paged.size(), 3u) << "paging does not end";
  } while (!token.empty());
  EXPECT_EQ(paged, (std::vector<std::string>{"job-3", "job-2", "job-1"}));

  CommandResult all = hostd_->Ftactl({"-o", "json", "job", "list"});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  nlohmann::json everything = nlohmann::json::parse(all.out);
  EXPECT_EQ(everything["jobs"].size(), 3u);
  EXPECT_EQ(everything["jobs"][0]["engine"], "ior-import");
  CommandResult limited = hostd_->Ftactl({"-o", "json", "job", "list", "--limit", "2"});
  ASSERT_EQ(limited.exit_code, 0) << limited.err;
  nlohmann::json two = nlohmann::json::parse(limited.out);
  ASSERT_EQ(two["jobs"].size(), 2u);
  EXPECT_EQ(two["jobs"][0]["id"], "job-3");
  EXPECT_EQ(two["jobs"][1]["id"], "job-2");
}

}  // namespace
}  // namespace fta::testing
