// Page tokens and page sizes of the List calls (lib/core/paging.h).
#include "lib/core/paging.h"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace fta {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string Id(const std::string& item) { return item; }

TEST(ResolvePage, ZeroIsTheDefaultAndLargeSizesAreReducedToTheMaximum) {
  EXPECT_EQ(ResolvePage(0, "", "jobs")->size, kDefaultPageSize);
  EXPECT_EQ(ResolvePage(7, "", "jobs")->size, 7);
  EXPECT_EQ(ResolvePage(kMaxPageSize + 1, "", "jobs")->size, kMaxPageSize);
  EXPECT_EQ(ResolvePage(2000000000, "", "jobs")->size, kMaxPageSize);
}

TEST(ResolvePage, NegativeSizeIsInvalidArgumentNamingPageSize) {
  absl::StatusOr<PageQuery> query = ResolvePage(-1, "", "jobs");
  EXPECT_EQ(query.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(query.status().message(), HasSubstr("page_size"));
}

TEST(ResolvePage, TokenRoundTripsToTheItemItContinuesAfter) {
  absl::StatusOr<PageQuery> query = ResolvePage(5, EncodePageToken("ftas:all", "fta-12"), "ftas:all");
  ASSERT_TRUE(query.ok()) << query.status();
  EXPECT_EQ(query->after, "fta-12");
  EXPECT_EQ(query->size, 5);
}

TEST(ResolvePage, GarbageAndForeignTokensAreInvalidArgumentNamingPageToken) {
  for (const std::string& token : {std::string("not base64!"), std::string("Zm9v"), EncodePageToken("jobs", "job-1"),
                                   EncodePageToken("ftas:all", "")}) {
    absl::StatusOr<PageQuery> query = ResolvePage(0, token, "ftas:live");
    EXPECT_EQ(query.status().code(), absl::StatusCode::kInvalidArgument) << token;
    EXPECT_THAT(query.status().message(), HasSubstr("page_token")) << token;
  }
}

TEST(PageOf, WalksAListPageByPage) {
  std::vector<std::string> all = {"a", "b", "c", "d", "e"};
  PageQuery query{2, ""};
  std::vector<std::string> seen;
  for (int pages = 0; pages < 10; ++pages) {
    absl::StatusOr<Page<std::string>> page = PageOf(all, query, Id);
    ASSERT_TRUE(page.ok()) << page.status();
    seen.insert(seen.end(), page->items.begin(), page->items.end());
    std::string token = NextPageToken("letters", *page, Id);
    if (token.empty()) break;
    query = *ResolvePage(2, token, "letters");
  }
  EXPECT_THAT(seen, ElementsAre("a", "b", "c", "d", "e"));
}

TEST(PageOf, LastPageHasNoNextToken) {
  absl::StatusOr<Page<std::string>> page = PageOf(std::vector<std::string>{"a", "b"}, PageQuery{2, ""}, Id);
  ASSERT_TRUE(page.ok());
  EXPECT_FALSE(page->more);
  EXPECT_EQ(NextPageToken("letters", *page, Id), "");
}

TEST(PageOf, ContinuingAfterAVanishedItemIsInvalidArgument) {
  absl::StatusOr<Page<std::string>> page = PageOf(std::vector<std::string>{"a", "b"}, PageQuery{2, "zz"}, Id);
  EXPECT_EQ(page.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(page.status().message(), HasSubstr("page_token"));
}

}  // namespace
}  // namespace fta
