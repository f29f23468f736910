// What the orchestrator fixtures (CoordinatorFixture, SweepFixture) stand
// on: a real SQLite store in a temp directory on one FakeClock, and a
// FakeFleet.
#pragma once

#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "tests/unit/fakes/fake_clock.h"
#include "tests/unit/fakes/fake_fleet.h"
#include "tests/unit/fakes/temp_store.h"

namespace fta::testing {

class FleetStoreFixture : public TempStoreTest {
 protected:
  explicit FleetStoreFixture(const std::string& name) : TempStoreTest(name) {}

  // The store on the fake clock.
  void OpenStore() { TempStoreTest::OpenStore(&clock_); }

  FakeClock clock_;
  FakeFleet fleet_;
};

}  // namespace fta::testing
