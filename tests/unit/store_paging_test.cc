// The store's paged lists (keyset: each page continues after the last id of
// the one before) and migration 8, which turned the API's former strings
// (kinds, backends, engines, agent and run states) into enum names.
#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "lib/store/store.h"
#include "tests/unit/fakes/temp_dir.h"

namespace fta::store {
namespace {

using fta::v1::Fta;
using fta::v1::Job;

void Exec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK) << (error ? error : "");
  sqlite3_free(error);
  sqlite3_close(db);
}

class StorePagingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_ + "/fta-hostd.db";
  }

  std::unique_ptr<Store> OpenStore() {
    absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(path_);
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? std::move(*store) : nullptr;
  }
  static Job MakeJob(const std::string& id, int64_t created_ms) {
    Job job;
    job.set_id(id);
    job.set_state(fta::v1::JOB_STATE_COMPLETED);
    job.set_created_unix_ms(created_ms);
    job.set_engine(fta::v1::ENGINE_BUILTIN);
    fta::v1::JobAgent* agent = job.add_agents();
    agent->set_fta_id("fta-1");
    agent->set_state(fta::v1::JOB_AGENT_STATE_OK);
    return job;
  }
  static Fta MakeFta(int n, fta::v1::FtaState state) {
    Fta fta;
    fta.set_id(absl::StrCat("fta-", n));
    fta.set_kind(fta::v1::FTA_KIND_PROCESS);
    fta.set_backend(fta::v1::BACKEND_PROCESS);
    fta.set_state(state);
    fta.set_created_unix_ms(100 * n);
    return fta;
  }

  fta::testing::TempDir temp_{"store_paging_test"};
  std::string dir_ = temp_.path();
  std::string path_;
};

TEST_F(StorePagingTest, JobPagesContinueByKeyAcrossInserts) {
  std::unique_ptr<Store> store = OpenStore();
  for (int i = 1; i <= 5; ++i) ASSERT_TRUE(store->PutJob(MakeJob(absl::StrCat("job-", i), 1000 * i)).ok());
  absl::StatusOr<Page<Job>> first = store->ListJobs(PageQuery{2, ""});
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->items.size(), 2u);
  EXPECT_EQ(first->items[0].id(), "job-5");  // newest first
  EXPECT_EQ(first->items[1].id(), "job-4");
  EXPECT_TRUE(first->more);
  // A newer job arrives between pages: it belongs before page one, so the
  // pages after it neither repeat nor skip anything (offsets would).
  ASSERT_TRUE(store->PutJob(MakeJob("job-6", 9000)).ok());
  std::vector<std::string> rest;
  PageQuery next{2, first->items.back().id()};
  for (int pages = 0; pages < 5; ++pages) {
    absl::StatusOr<Page<Job>> page = store->ListJobs(next);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const Job& job : page->items) rest.push_back(job.id());
    if (!page->more) break;
    next.after = page->items.back().id();
  }
  EXPECT_EQ(rest, (std::vector<std::string>{"job-3", "job-2", "job-1"}));
}

TEST_F(StorePagingTest, FtaPagesKeepCreationOrderAndTheReleasedFilter) {
  std::unique_ptr<Store> store = OpenStore();
  for (int i = 1; i <= 4; ++i) {
    ASSERT_TRUE(store->PutFta(MakeFta(i, i == 2 ? fta::v1::FTA_STATE_RELEASED : fta::v1::FTA_STATE_READY)).ok());
  }
  absl::StatusOr<Page<Fta>> first = store->ListFtas(false, PageQuery{2, ""});
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->items.size(), 2u);
  EXPECT_EQ(first->items[0].id(), "fta-1");
  EXPECT_EQ(first->items[1].id(), "fta-3");  // fta-2 is released
  EXPECT_TRUE(first->more);
  absl::StatusOr<Page<Fta>> second = store->ListFtas(false, PageQuery{2, "fta-3"});
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_EQ(second->items.size(), 1u);
  EXPECT_EQ(second->items[0].id(), "fta-4");
  EXPECT_FALSE(second->more);
  absl::StatusOr<Page<Fta>> all = store->ListFtas(true, PageQuery{10, ""});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->items.size(), 4u);
}

TEST_F(StorePagingTest, AfterAnUnknownIdIsInvalidArgumentNamingPageToken) {
  std::unique_ptr<Store> store = OpenStore();
  absl::StatusOr<Page<Job>> jobs = store->ListJobs(PageQuery{2, "job-404"});
  EXPECT_EQ(jobs.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(jobs.status().message(), "page_token")) << jobs.status();
  EXPECT_EQ(store->ListFtas(true, PageQuery{2, "fta-404"}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store->ListSweeps(PageQuery{2, "sweep-404"}).status().code(), absl::StatusCode::kInvalidArgument);
}

// A database of the previous release: rows as it wrote them, at version 7.
TEST_F(StorePagingTest, MigrationEightTurnsFormerStringsIntoEnums) {
  {
    std::unique_ptr<Store> store = OpenStore();
    ASSERT_TRUE(store->PutFta(MakeFta(1, fta::v1::FTA_STATE_READY)).ok());
    ASSERT_TRUE(store->PutFta(MakeFta(2, fta::v1::FTA_STATE_READY)).ok());
    ASSERT_TRUE(store->PutJob(MakeJob("job-1", 1000)).ok());
  }
  Exec(path_,
       "UPDATE ftas SET kind = 'FTA_KIND_GUEST', backend = 'process' WHERE id = 'fta-1';"
       "UPDATE ftas SET kind = 'FTA_KIND_GUEST', backend = 'libvirt' WHERE id = 'fta-2';"
       "UPDATE jobs SET engine = 'ior', spec = '{\"transfer_size\":\"1m\",\"engine\":\"ior\",\"deadline_s\":\"5\"}';"
       "UPDATE job_agents SET state = 'lost';"
       // What migrations 9, 10 and 12 added did not exist at version 7.
       "DROP INDEX jobs_by_finish;"
       "DROP TABLE job_cleanups;"
       "ALTER TABLE ftas DROP COLUMN owner;"
       "ALTER TABLE jobs DROP COLUMN owner;"
       "ALTER TABLE jobs DROP COLUMN start_at_unix_ms;"
       "ALTER TABLE phase_aggregates DROP COLUMN cache_note;"
       "PRAGMA user_version = 7;");
  std::unique_ptr<Store> store = OpenStore();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->SchemaVersion(), Store::LatestSchemaVersion());
  absl::StatusOr<Fta> process = store->GetFta("fta-1");
  ASSERT_TRUE(process.ok()) << process.status();
  EXPECT_EQ(process->kind(), fta::v1::FTA_KIND_PROCESS);
  EXPECT_EQ(process->backend(), fta::v1::BACKEND_PROCESS);
  absl::StatusOr<Fta> guest = store->GetFta("fta-2");
  ASSERT_TRUE(guest.ok()) << guest.status();
  EXPECT_EQ(guest->kind(), fta::v1::FTA_KIND_VM);
  EXPECT_EQ(guest->backend(), fta::v1::BACKEND_LIBVIRT);
  absl::StatusOr<Job> job = store->GetJob("job-1");
  ASSERT_TRUE(job.ok()) << job.status();
  EXPECT_EQ(job->engine(), fta::v1::ENGINE_IOR);
  EXPECT_EQ(job->spec().engine(), fta::v1::ENGINE_IOR);
  EXPECT_EQ(job->spec().stonewall_s(), 5);
  EXPECT_EQ(job->spec().transfer_size(), "1m");
  ASSERT_EQ(job->agents_size(), 1);
  EXPECT_EQ(job->agents(0).state(), fta::v1::JOB_AGENT_STATE_LOST);
}

}  // namespace
}  // namespace fta::store
