// ftactl reading paged lists (lib/cli/paging.h) against a fake server that
// pages like fta-hostd.
#include "lib/cli/paging.h"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fta/v1/job.pb.h"

namespace fta::cli {
namespace {

// Serves jobs job-1..job-N in pages of at most `max` (the token is the index
// of the next job), and records the page sizes it was asked for.
struct FakeServer {
  int jobs = 0;
  int max = 2;
  std::vector<int32_t> asked;
  grpc::Status operator()(const std::string& token, int32_t page_size, v1::ListJobsResponse* page) {
    asked.push_back(page_size);
    int begin = token.empty() ? 0 : std::stoi(token);
    int size = page_size == 0 ? max : std::min<int>(page_size, max);
    int end = std::min(jobs, begin + size);
    for (int i = begin; i < end; ++i) page->add_jobs()->set_id("job-" + std::to_string(i + 1));
    if (end < jobs) page->set_next_page_token(std::to_string(end));
    return grpc::Status::OK;
  }
};

auto Jobs = [](v1::ListJobsResponse& response) { return response.mutable_jobs(); };

std::vector<std::string> Ids(const v1::ListJobsResponse& response) {
  std::vector<std::string> ids;
  for (const auto& job : response.jobs()) ids.push_back(job.id());
  return ids;
}

TEST(CollectPages, ReadsEveryPageWithoutALimit) {
  FakeServer server{5, 2, {}};
  v1::ListJobsResponse all;
  ASSERT_TRUE(CollectPages(0, std::ref(server), Jobs, &all).ok());
  EXPECT_THAT(Ids(all), ::testing::ElementsAre("job-1", "job-2", "job-3", "job-4", "job-5"));
  EXPECT_EQ(server.asked.size(), 3u);
  EXPECT_EQ(all.next_page_token(), "");
}

TEST(CollectPages, StopsAtTheLimitAcrossPages) {
  FakeServer server{9, 2, {}};
  v1::ListJobsResponse all;
  ASSERT_TRUE(CollectPages(3, std::ref(server), Jobs, &all).ok());
  EXPECT_THAT(Ids(all), ::testing::ElementsAre("job-1", "job-2", "job-3"));
  EXPECT_THAT(server.asked, ::testing::ElementsAre(3, 1));  // asks only for what is missing
  EXPECT_FALSE(all.next_page_token().empty());               // more were there
}

TEST(CollectPages, ReturnsTheFirstError) {
  int calls = 0;
  auto failing = [&](const std::string&, int32_t, v1::ListJobsResponse* page) {
    if (++calls == 2) return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "page_token: bad");
    page->add_jobs()->set_id("job-1");
    page->set_next_page_token("x");
    return grpc::Status::OK;
  };
  v1::ListJobsResponse all;
  grpc::Status status = CollectPages(0, failing, Jobs, &all);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(calls, 2);
}

}  // namespace
}  // namespace fta::cli
