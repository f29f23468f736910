// VF assignments in the store: written in the FTA row's transaction, never
// two holders for one VF, dropped when the FTA is released or failed, and
// still there after a reopen (a daemon restart).
#include <stdlib.h>

#include <filesystem>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lib/store/store.h"
#include "tests/unit/fakes/temp_dir.h"

namespace fta::store {
namespace {

using ::testing::HasSubstr;

class VfStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = dir_ + "/fta-hostd.db";
    absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(path_);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
  }
  void TearDown() override {
    store_.reset();
  }

  static fta::v1::Fta Guest(const std::string& id, const std::string& vf) {
    fta::v1::Fta fta;
    fta.set_id(id);
    fta.set_kind(fta::v1::FTA_KIND_PROCESS);
    fta.set_state(fta::v1::FTA_STATE_STARTING);
    fta.set_vf(vf);
    return fta;
  }

  std::vector<std::pair<std::string, std::string>> Assignments() {
    std::vector<std::pair<std::string, std::string>> out;
    absl::StatusOr<std::vector<Store::VfAssignment>> listed = store_->ListVfAssignments();
    EXPECT_TRUE(listed.ok()) << listed.status();
    if (listed.ok()) {
      for (const auto& assignment : *listed) out.emplace_back(assignment.vf, assignment.fta_id);
    }
    return out;
  }

  testing::TempDir temp_{"fta-vfstore"};
  std::string dir_ = temp_.path();
  std::string path_;
  std::unique_ptr<Store> store_;
};

TEST_F(VfStoreTest, AssignmentIsWrittenWithTheFtaAndSurvivesAReopen) {
  ASSERT_TRUE(store_->PutFtaWithVf(Guest("fta-1", "0000:03:00.1")).ok());
  ASSERT_TRUE(store_->PutFtaWithVf(Guest("fta-2", "0000:03:00.2")).ok());
  store_.reset();
  absl::StatusOr<std::unique_ptr<Store>> reopened = Store::Open(path_);
  ASSERT_TRUE(reopened.ok());
  store_ = std::move(*reopened);
  EXPECT_EQ(Assignments(), (std::vector<std::pair<std::string, std::string>>{{"0000:03:00.1", "fta-1"},
                                                                             {"0000:03:00.2", "fta-2"}}));
  EXPECT_EQ(store_->GetFta("fta-1")->vf(), "0000:03:00.1");
}

TEST_F(VfStoreTest, AVfHeldByAnotherFtaRefusesTheWholeWrite) {
  ASSERT_TRUE(store_->PutFtaWithVf(Guest("fta-1", "0000:03:00.1")).ok());
  absl::Status refused = store_->PutFtaWithVf(Guest("fta-2", "0000:03:00.1"));
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(refused.message()), HasSubstr("0000:03:00.1 is already assigned to fta-1"));
  // Same transaction: the FTA row was not written either.
  EXPECT_EQ(store_->GetFta("fta-2").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Assignments().size(), 1u);
}

TEST_F(VfStoreTest, ReleasedAndFailedFtasGiveTheirVfBack) {
  ASSERT_TRUE(store_->PutFtaWithVf(Guest("fta-1", "0000:03:00.1")).ok());
  ASSERT_TRUE(store_->PutFtaWithVf(Guest("fta-2", "0000:03:00.2")).ok());
  fta::v1::Fta released = Guest("fta-1", "0000:03:00.1");
  released.set_state(fta::v1::FTA_STATE_RELEASED);
  ASSERT_TRUE(store_->PutFtaWithVf(released).ok());
  fta::v1::Fta failed = Guest("fta-2", "0000:03:00.2");
  failed.set_state(fta::v1::FTA_STATE_FAILED);
  ASSERT_TRUE(store_->PutFtaWithVf(failed).ok());
  EXPECT_TRUE(Assignments().empty());
  // The record keeps which VF it had, for history.
  EXPECT_EQ(store_->GetFta("fta-1")->vf(), "0000:03:00.1");
  // And the VF can be held again.
  EXPECT_TRUE(store_->PutFtaWithVf(Guest("fta-3", "0000:03:00.1")).ok());
}

TEST_F(VfStoreTest, StateChangesKeepTheAssignmentAndAMoveReplacesIt) {
  ASSERT_TRUE(store_->PutFtaWithVf(Guest("fta-1", "0000:03:00.1")).ok());
  fta::v1::Fta ready = Guest("fta-1", "0000:03:00.1");
  ready.set_state(fta::v1::FTA_STATE_READY);
  ASSERT_TRUE(store_->PutFtaWithVf(ready).ok());
  ASSERT_TRUE(store_->PutFtaWithVf(Guest("fta-1", "0000:03:00.4")).ok());
  EXPECT_EQ(Assignments(), (std::vector<std::pair<std::string, std::string>>{{"0000:03:00.4", "fta-1"}}));
  ASSERT_TRUE(store_->DeleteVfAssignment("0000:03:00.4").ok());
  EXPECT_TRUE(Assignments().empty());
  EXPECT_TRUE(store_->DeleteVfAssignment("0000:03:00.4").ok());
}

TEST_F(VfStoreTest, AnFtaWithoutAVfHoldsNothing) {
  ASSERT_TRUE(store_->PutFtaWithVf(Guest("fta-1", "")).ok());
  EXPECT_TRUE(Assignments().empty());
  EXPECT_TRUE(store_->GetFta("fta-1").ok());
}

}  // namespace
}  // namespace fta::store
