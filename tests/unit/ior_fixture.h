// The IOR output fixtures of tests/data/ior (real IOR runs: the reference
// set and this project's local-* files), read whole for the parser and
// import tests.
#pragma once

#include <string>

#include <gtest/gtest.h>

#include "lib/core/file_text.h"
#include "lib/ior/ior_output.h"

namespace fta::testing {

// The file's content; a missing fixture fails the calling test.
inline std::string IorFixture(const std::string& name) {
  absl::StatusOr<std::string> text = ReadFileText(std::string(FTA_TEST_DATA_DIR) + "/ior/" + name);
  EXPECT_TRUE(text.ok()) << text.status();
  return text.ok() ? *std::move(text) : std::string();
}

// The fixture as ParseIorOutput reads it; a parse error fails the calling
// test (and gives an empty run).
inline ior::IorRun ParsedIorFixture(const std::string& name) {
  absl::StatusOr<ior::IorRun> run = ior::ParseIorOutput(IorFixture(name));
  EXPECT_TRUE(run.ok()) << name << ": " << run.status();
  return run.ok() ? *std::move(run) : ior::IorRun{};
}

}  // namespace fta::testing
