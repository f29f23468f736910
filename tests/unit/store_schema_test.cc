// The database file itself: schema versions and migrations, refusal of
// newer or corrupt databases, WAL.
#include "tests/unit/store_fixture.h"

#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace fta::store {
namespace {

TEST_F(StoreTest, SchemaVersionEqualsNumberOfMigrations) {
  std::unique_ptr<Store> store = OpenStore();
  EXPECT_GE(Store::LatestSchemaVersion(), 1);
  EXPECT_EQ(store->SchemaVersion(), Store::LatestSchemaVersion());
  EXPECT_EQ(QueryDirectly(path_, "PRAGMA user_version"),
            std::to_string(Store::LatestSchemaVersion()));
}

TEST_F(StoreTest, ReopeningAMigratedDatabaseKeepsItsVersion) {
  OpenStore().reset();
  std::unique_ptr<Store> store = OpenStore();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->SchemaVersion(), Store::LatestSchemaVersion());
}

TEST_F(StoreTest, DatabaseFromANewerReleaseIsRefused) {
  OpenStore().reset();
  const int future = Store::LatestSchemaVersion() + 1;
  QueryDirectly(path_, absl::StrCat("PRAGMA user_version = ", future));

  absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(path_, &clock_);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition);
  const std::string message(store.status().message());
  EXPECT_TRUE(absl::StrContains(message, path_)) << message;
  EXPECT_TRUE(absl::StrContains(message, std::to_string(future))) << message;
  EXPECT_TRUE(absl::StrContains(message, std::to_string(Store::LatestSchemaVersion()))) << message;
}

TEST_F(StoreTest, CorruptFileGivesAClearError) {
  {
    std::unique_ptr<Store> store = OpenStore();
    ASSERT_TRUE(store->PutFta(MakeFta("fta-1", fta::v1::FTA_STATE_READY, 1000)).ok());
  }
  const auto size = std::filesystem::file_size(path_);
  ASSERT_GT(size, 0u);
  {
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    for (uintmax_t i = 0; i < size; ++i) out.put(static_cast<char>((i * 131 + 7) & 0xff));
  }

  absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(path_, &clock_);
  ASSERT_FALSE(store.ok());
  const std::string message(store.status().message());
  EXPECT_TRUE(absl::StrContains(message, path_)) << message;
  EXPECT_TRUE(absl::StrContains(message, "not a database")) << message;
}

TEST_F(StoreTest, OpenInAMissingDirectoryFailsNamingThePath) {
  const std::string path = dir_ + "/missing/fta-hostd.db";
  absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(path, &clock_);
  ASSERT_FALSE(store.ok());
  EXPECT_TRUE(absl::StrContains(store.status().message(), path)) << store.status().message();
}

TEST_F(StoreTest, JournalModeIsWal) {
  std::unique_ptr<Store> store = OpenStore();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(QueryDirectly(path_, "PRAGMA journal_mode"), "wal");
}


}  // namespace
}  // namespace fta::store
