// FTA records on real SQLite: what survives a restart (close and reopen),
// replacing, listing, ids that are never reused.
#include "tests/unit/store_fixture.h"

#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace fta::store {
namespace {

TEST_F(StoreTest, FtaSurvivesReopen) {
  const Fta fta = MakeFta("fta-1", fta::v1::FTA_STATE_READY, 1000);
  {
    std::unique_ptr<Store> store = OpenStore();
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->PutFta(fta).ok());
  }
  std::unique_ptr<Store> store = OpenStore();
  ASSERT_NE(store, nullptr);
  EXPECT_TRUE(ReadBackAs(store->GetFta("fta-1"), fta));
}

TEST_F(StoreTest, PutFtaReplacesTheRecordAndKeepsItsPlace) {
  std::unique_ptr<Store> store = OpenStore();
  ASSERT_TRUE(store->PutFta(MakeFta("fta-1", fta::v1::FTA_STATE_STARTING, 1000)).ok());
  ASSERT_TRUE(store->PutFta(MakeFta("fta-2", fta::v1::FTA_STATE_STARTING, 1000)).ok());
  Fta updated = MakeFta("fta-1", fta::v1::FTA_STATE_LOST, 1000);
  updated.set_last_error("stream dropped");
  ASSERT_TRUE(store->PutFta(updated).ok());

  absl::StatusOr<std::vector<Fta>> ftas = store->ListFtas(false);
  ASSERT_TRUE(ftas.ok()) << ftas.status();
  ASSERT_EQ(ftas->size(), 2u);
  EXPECT_TRUE(Equal((*ftas)[0], updated));
  EXPECT_EQ((*ftas)[1].id(), "fta-2");
}

TEST_F(StoreTest, FtaStateIsStoredByName) {
  std::unique_ptr<Store> store = OpenStore();
  ASSERT_TRUE(store->PutFta(MakeFta("fta-1", fta::v1::FTA_STATE_READY, 1000)).ok());
  EXPECT_EQ(QueryDirectly(path_, "SELECT state FROM ftas WHERE id = 'fta-1'"), "FTA_STATE_READY");
  EXPECT_EQ(QueryDirectly(path_, "SELECT kind FROM ftas WHERE id = 'fta-1'"), "FTA_KIND_PROCESS");
}

TEST_F(StoreTest, ListFtasExcludesReleasedUnlessAsked) {
  std::unique_ptr<Store> store = OpenStore();
  ASSERT_TRUE(store->PutFta(MakeFta("fta-1", fta::v1::FTA_STATE_RELEASED, 1000)).ok());
  ASSERT_TRUE(store->PutFta(MakeFta("fta-2", fta::v1::FTA_STATE_READY, 2000)).ok());
  ASSERT_TRUE(store->PutFta(MakeFta("fta-3", fta::v1::FTA_STATE_FAILED, 3000)).ok());

  absl::StatusOr<std::vector<Fta>> live = store->ListFtas(false);
  ASSERT_TRUE(live.ok()) << live.status();
  ASSERT_EQ(live->size(), 2u);
  EXPECT_EQ((*live)[0].id(), "fta-2");
  EXPECT_EQ((*live)[1].id(), "fta-3");

  absl::StatusOr<std::vector<Fta>> all = store->ListFtas(true);
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].id(), "fta-1");
  EXPECT_EQ((*all)[1].id(), "fta-2");
  EXPECT_EQ((*all)[2].id(), "fta-3");
}

TEST_F(StoreTest, GetFtaOnUnknownIdIsNotFoundNamingIt) {
  std::unique_ptr<Store> store = OpenStore();
  absl::StatusOr<Fta> got = store->GetFta("fta-9");
  EXPECT_EQ(got.status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(absl::StrContains(got.status().message(), "fta-9")) << got.status().message();
}

TEST_F(StoreTest, PutFtaWithoutIdIsInvalidArgument) {
  std::unique_ptr<Store> store = OpenStore();
  EXPECT_EQ(store->PutFta(Fta()).code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(StoreTest, IdsAreSequentialAndNeverReusedAfterReopen) {
  {
    std::unique_ptr<Store> store = OpenStore();
    EXPECT_EQ(store->NextFtaId().value_or(""), "fta-1");
    EXPECT_EQ(store->NextFtaId().value_or(""), "fta-2");
    EXPECT_EQ(store->NextJobId().value_or(""), "job-1");
  }
  std::unique_ptr<Store> store = OpenStore();
  EXPECT_EQ(store->NextFtaId().value_or(""), "fta-3");
  EXPECT_EQ(store->NextJobId().value_or(""), "job-2");
}

TEST_F(StoreTest, ConcurrentIdAllocationGivesDistinctIds) {
  std::unique_ptr<Store> store = OpenStore();
  constexpr int kThreads = 4;
  constexpr int kPerThread = 50;
  std::vector<std::vector<std::string>> ids(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&store, &ids, t] {
      for (int i = 0; i < kPerThread; ++i) {
        absl::StatusOr<std::string> id = store->NextFtaId();
        if (id.ok()) ids[t].push_back(*id);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  std::set<std::string> distinct;
  for (const auto& list : ids) distinct.insert(list.begin(), list.end());
  EXPECT_EQ(distinct.size(), size_t{kThreads * kPerThread});
  EXPECT_EQ(store->NextFtaId().value_or(""), absl::StrCat("fta-", kThreads * kPerThread + 1));
}


}  // namespace
}  // namespace fta::store
