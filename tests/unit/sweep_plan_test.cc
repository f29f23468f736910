// The plan of a sweep: order of runs, native baseline, block rounding and
// refused specs naming the flag.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "lib/sweeps/sweep_plan.h"

namespace fta::hostd {
namespace {

using ::testing::HasSubstr;

fta::v1::SweepSpec Spec(std::vector<int> counts, std::vector<std::string> sizes, const std::string& block,
                        bool native) {
  fta::v1::SweepSpec spec;
  for (int count : counts) spec.add_fta_counts(count);
  for (const auto& size : sizes) spec.add_transfer_sizes(size);
  spec.set_block_size(block);
  spec.set_directory("/tmp");
  spec.set_native(native);
  return spec;
}

TEST(RoundBlockDownTest, PosterBlockForHundredK) {
  std::string note;
  // 48g is not a multiple of 100k; the largest multiple below it is used.
  uint64_t rounded = RoundBlockDown(uint64_t{48} << 30, 102400, &note);
  EXPECT_EQ(rounded % 102400, 0u);
  EXPECT_LE(rounded, uint64_t{48} << 30);
  EXPECT_GT(rounded + 102400, uint64_t{48} << 30);
  EXPECT_THAT(note, HasSubstr("block rounded down from 48g"));
  EXPECT_THAT(note, HasSubstr("block % transfer == 0"));
}

TEST(RoundBlockDownTest, MultiplesStayAndNoNote) {
  std::string note;
  EXPECT_EQ(RoundBlockDown(64 << 20, 1 << 20, &note), uint64_t{64} << 20);
  EXPECT_EQ(note, "");
  EXPECT_EQ(RoundBlockDown(100, 1000, &note), 0u);
}

TEST(PlanSweepTest, NativeBaselineThenFtasAndMatchedNativePerTransferSize) {
  absl::StatusOr<std::vector<SweepStep>> plan = PlanSweep(Spec({1, 2, 3}, {"64k", "1m"}, "8m", true));
  ASSERT_TRUE(plan.ok()) << plan.status();
  // Per size: native-1, fta 1, fta 2, native 2, fta 3, native 3.
  ASSERT_EQ(plan->size(), 12u);
  std::vector<std::pair<fta::v1::SweepTarget, int>> first;
  for (int i = 0; i < 6; ++i) first.push_back({(*plan)[i].target, (*plan)[i].fta_count});
  EXPECT_THAT(first, ::testing::ElementsAre(std::pair{fta::v1::SWEEP_TARGET_NATIVE_SINGLE, 1},
                                            std::pair{fta::v1::SWEEP_TARGET_FTAS, 1},
                                            std::pair{fta::v1::SWEEP_TARGET_FTAS, 2},
                                            std::pair{fta::v1::SWEEP_TARGET_NATIVE_MATCHED, 2},
                                            std::pair{fta::v1::SWEEP_TARGET_FTAS, 3},
                                            std::pair{fta::v1::SWEEP_TARGET_NATIVE_MATCHED, 3}));
  EXPECT_EQ((*plan)[3].ranks, 2);
  EXPECT_EQ((*plan)[0].transfer_size, 65536u);
  EXPECT_EQ((*plan)[6].transfer_size, 1048576u);
  for (size_t i = 0; i < plan->size(); ++i) EXPECT_EQ((*plan)[i].step, static_cast<int>(i));
}

TEST(PlanSweepTest, RepetitionsAndNoNative) {
  fta::v1::SweepSpec spec = Spec({1, 2}, {"1m"}, "8m", false);
  spec.set_repetitions(3);
  absl::StatusOr<std::vector<SweepStep>> plan = PlanSweep(spec);
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_EQ(plan->size(), 6u);
  EXPECT_EQ((*plan)[5].repetition, 2);
  for (const SweepStep& step : *plan) EXPECT_EQ(step.target, fta::v1::SWEEP_TARGET_FTAS);
}

TEST(PlanSweepTest, TenKWithFortyEightGRoundsInsteadOfFailing) {
  absl::StatusOr<std::vector<SweepStep>> plan = PlanSweep(Spec({1}, {"10k", "100k", "1m"}, "48g", false));
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ((*plan)[0].block_size % 10240, 0u);
  EXPECT_THAT((*plan)[0].note, HasSubstr("rounded down"));
  EXPECT_EQ((*plan)[2].block_size, uint64_t{48} << 30);  // 1m divides 48g
  EXPECT_EQ((*plan)[2].note, "");
}

TEST(PlanSweepTest, RefusedSpecsNameTheFlag) {
  auto error = [](fta::v1::SweepSpec spec) { return std::string(PlanSweep(spec).status().message()); };
  EXPECT_THAT(error(Spec({}, {"1m"}, "8m", false)), HasSubstr("--vms"));
  EXPECT_THAT(error(Spec({0}, {"1m"}, "8m", false)), HasSubstr("--vms"));
  EXPECT_THAT(error(Spec({2, 1}, {"1m"}, "8m", false)), HasSubstr("ascending"));
  EXPECT_THAT(error(Spec({1}, {}, "8m", false)), HasSubstr("-t"));
  EXPECT_THAT(error(Spec({1}, {"1x"}, "8m", false)), HasSubstr("-t"));
  EXPECT_THAT(error(Spec({1}, {"1m", "1m"}, "8m", false)), HasSubstr("twice"));
  EXPECT_THAT(error(Spec({1}, {"1m"}, "", false)), HasSubstr("-b"));
  EXPECT_THAT(error(Spec({1}, {"16m"}, "8m", false)), HasSubstr("smaller than transfer size"));
  fta::v1::SweepSpec no_dir = Spec({1}, {"1m"}, "8m", false);
  no_dir.clear_directory();
  EXPECT_THAT(error(no_dir), HasSubstr("-d"));
  fta::v1::SweepSpec reps = Spec({1}, {"1m"}, "8m", false);
  reps.set_repetitions(-1);
  EXPECT_THAT(error(reps), HasSubstr("--reps"));
  EXPECT_TRUE(absl::IsInvalidArgument(PlanSweep(reps).status()));
}

}  // namespace
}  // namespace fta::hostd
