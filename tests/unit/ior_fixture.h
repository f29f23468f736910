// The IOR output fixtures of tests/data/ior (real IOR runs: the reference
// set and this project's local-* files), read whole for the parser and
// import tests.
#pragma once

#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

namespace fta::testing {

// The file's content; a missing fixture fails the calling test.
inline std::string IorFixture(const std::string& name) {
  std::ifstream in(std::string(FTA_TEST_DATA_DIR) + "/ior/" + name);
  EXPECT_TRUE(in.good()) << name;
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace fta::testing
