// A test suite whose tests share one running fta-hostd (for tests that only
// read or are refused, where a daemon per test would cost seconds each).
#pragma once

#include <string>

#include <gtest/gtest.h>

#include "tests/integration/hostd_harness.h"

namespace fta::testing {

// A suite sharing one fta-hostd (process backend, at most 4 FTAs) started
// with `ftas` FTAs allocated before its first test (StartSharedHostd in
// SetUpTestSuite), and an empty data directory for its jobs.
class SharedHostdSuite : public ::testing::Test {
 protected:
  static void StartSharedHostd(int ftas);
  static void TearDownTestSuite();

  static TempDir* root_;
  static HostdProcess* hostd_;
  static std::string data_dir_;
};

}  // namespace fta::testing
