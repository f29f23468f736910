// A real SQLite store, fresh in a temp directory of its own, for tests of
// what is written through the Store (imports, services, orchestrators).
#pragma once

#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "lib/core/clock.h"
#include "lib/store/store.h"
#include "tests/unit/fakes/temp_dir.h"

namespace fta::testing {

class TempStoreTest : public ::testing::Test {
 protected:
  // `name` prefixes the temp directory.
  explicit TempStoreTest(const std::string& name) : temp_(name) {}

  void SetUp() override { OpenStore(); }

  // (Re)opens dir_/fta-hostd.db as store_, as a daemon start would, on
  // `clock` (the real one when null).
  void OpenStore(const Clock* clock = nullptr) {
    const std::string path = dir_ + "/fta-hostd.db";
    absl::StatusOr<std::unique_ptr<store::Store>> store =
        clock ? store::Store::Open(path, clock) : store::Store::Open(path);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }

  TempDir temp_;
  std::string dir_ = temp_.path();
  std::unique_ptr<store::Store> store_;
};

}  // namespace fta::testing
