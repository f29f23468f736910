// The PosixEngine tests' fixture: a temp directory, 3 segments of a 32 KiB
// block in 8 KiB transfers, a clock that ticks 1 µs per reading (each
// timestamp the engine takes is distinct and ordered), pattern checks.
#pragma once

#include <stdlib.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "lib/ior/posix_engine.h"
#include "tests/unit/fakes/fake_clock.h"
#include "tests/unit/fakes/temp_dir.h"

namespace fta::ior {

inline constexpr int64_t kSignature = 0x5eed1234;

class PosixEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    params_.directory = dir_;
    params_.transfer_size = 8192;
    params_.block_size = 32768;
    params_.segments = 3;
  }

  PosixEngine Engine(int rank, int total_ranks) const {
    return PosixEngine(params_, rank, total_ranks, kSignature, &clock_);
  }

  static std::vector<uint64_t> ReadWords(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<uint64_t> words(bytes.size() / 8);
    std::memcpy(words.data(), bytes.data(), words.size() * 8);
    return words;
  }

  static void WriteFile(const std::string& path, uint64_t size, char fill) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    std::string data(size, fill);
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
  }

  // Compares every word of `rank`'s file with the pattern; reports the first
  // mismatch only, so a broken engine does not flood the log.
  void ExpectFileMatchesPattern(int rank) {
    const std::string path = RankFilePath(params_, rank);
    std::vector<uint64_t> words = ReadWords(path);
    ASSERT_EQ(words.size() * 8, BytesPerRank(params_)) << path;
    for (uint64_t k = 0; k < words.size(); ++k) {
      uint64_t expected = PosixEngine::PatternWord(rank, kSignature, params_.transfer_size, k * 8);
      if (words[k] != expected) {
        ADD_FAILURE() << path << " offset " << k * 8 << ": got 0x" << std::hex << words[k]
                      << " want 0x" << expected;
        return;
      }
    }
  }

  testing::TempDir temp_{"posix_engine_test"};
  std::string dir_ = temp_.path();
  IorParams params_;
  testing::FakeClock clock_{absl::Microseconds(1)};
};

}  // namespace fta::ior
