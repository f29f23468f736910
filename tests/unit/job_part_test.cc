// PlanFromJobPart: the agent runs the parameters fta-hostd resolved, as
// sent, and refuses a part that is not a consistent resolution.
#include "lib/agent/job_part.h"

#include <stdlib.h>

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lib/ior/ior_spec.h"
#include "lib/ior/resolved_params.h"

namespace fta::agent {
namespace {

using ::testing::HasSubstr;

// A part as fta-hostd builds it: the spec resolved once (ior::ResolveSpec),
// rank 2 of 4.
v1::JobPart ResolvedPart(const std::string& directory) {
  fta::v1::IorSpec spec;
  spec.set_directory(directory);
  spec.set_transfer_size("64k");
  spec.set_block_size("1m");
  absl::StatusOr<ior::IorParams> params = ior::ResolveSpec(spec);
  EXPECT_TRUE(params.ok()) << params.status();
  v1::JobPart part;
  *part.mutable_params() = ior::EncodeParams(params.value_or(ior::IorParams()), fta::v1::ENGINE_BUILTIN);
  part.add_ranks(2);
  part.set_total_ranks(4);
  return part;
}

TEST(JobPartTest, RunsTheResolvedParametersAsSent) {
  char pattern[] = "/tmp/fta-agent-plan-XXXXXX";
  ASSERT_NE(mkdtemp(pattern), nullptr);
  v1::JobPart part = ResolvedPart(pattern);
  part.mutable_params()->set_engine(fta::v1::ENGINE_IOR);
  absl::StatusOr<PartPlan> plan = PlanFromJobPart(part);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->engine, fta::v1::ENGINE_IOR);
  EXPECT_EQ(plan->params.transfer_size, 65536u);
  EXPECT_EQ(plan->params.block_size, 1u << 20);
  EXPECT_EQ(plan->params.segments, 1u);
  EXPECT_EQ(plan->params.iterations, 1u);
  EXPECT_EQ(plan->params.task_offset, 1u);
  EXPECT_TRUE(plan->params.write);
  EXPECT_TRUE(plan->params.read);
  EXPECT_EQ(plan->params.file_name, "testfile");
  EXPECT_EQ(plan->sample_interval, kDefaultSampleInterval);
  EXPECT_EQ(plan->ranks, std::vector<int>{2});
  EXPECT_EQ(plan->params.tasks_per_node, 1u);
  part.add_ranks(3);  // two ranks on this agent: -C moves two ranks per node
  EXPECT_EQ(PlanFromJobPart(part)->params.tasks_per_node, 2u);
  part.mutable_ranks()->RemoveLast();
  part.set_ranks(0, 4);
  EXPECT_THAT(PlanFromJobPart(part).status().message(), HasSubstr("rank 4"));
  std::filesystem::remove_all(pattern);
}

// The agent applies no default: a part the daemon did not resolve, or
// resolved inconsistently, is refused naming the field.
TEST(JobPartTest, RefusesAnInconsistentPart) {
  char pattern[] = "/tmp/fta-agent-plan-XXXXXX";
  ASSERT_NE(mkdtemp(pattern), nullptr);
  struct Case {
    std::function<void(v1::IorParameters*)> change;
    std::string message;
  };
  std::vector<Case> cases = {
      {[](v1::IorParameters* p) { p->set_segments(0); }, "params.segments: 0"},
      {[](v1::IorParameters* p) { p->set_iterations(0); }, "params.iterations: 0"},
      {[](v1::IorParameters* p) { p->set_task_offset(0); }, "params.task_offset: 0"},
      {[](v1::IorParameters* p) { p->set_block_size_bytes(0); }, "params.block_size_bytes: 0"},
      {[](v1::IorParameters* p) { p->set_stonewall_s(-1); }, "params.stonewall_s: -1"},
      {[](v1::IorParameters* p) { p->set_write(false), p->set_read(false); }, "params.write, params.read"},
      {[](v1::IorParameters* p) { p->clear_file_name(); }, "params.file_name: empty"},
      {[](v1::IorParameters* p) { p->set_engine(fta::v1::ENGINE_UNSPECIFIED); }, "params.engine"},
      {[](v1::IorParameters* p) { p->set_engine(fta::v1::ENGINE_IOR_IMPORT); }, "params.engine"},
      {[](v1::IorParameters* p) { p->set_transfer_size_bytes(3); }, "-t"},
      // What only this host decides: O_DIRECT alignment, the directory.
      {[](v1::IorParameters* p) { p->set_odirect(true), p->set_transfer_size_bytes(1024), p->set_block_size_bytes(8192); },
       "4096"},
      {[](v1::IorParameters* p) { p->set_directory("/nonexistent/fta-agent"); }, "/nonexistent/fta-agent"},
  };
  for (const Case& c : cases) {
    v1::JobPart part = ResolvedPart(pattern);
    c.change(part.mutable_params());
    absl::Status status = PlanFromJobPart(part).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.message << ": " << status;
    EXPECT_THAT(status.message(), HasSubstr(c.message));
  }
  v1::JobPart part = ResolvedPart(pattern);
  part.clear_params();
  EXPECT_THAT(PlanFromJobPart(part).status().message(), HasSubstr("params: missing"));
  std::filesystem::remove_all(pattern);
}

}  // namespace
}  // namespace fta::agent
