// A JobCoordinator over fakes (two ready guest FTAs with scripted agents, one
// FakeClock) and a real SQLite store in a temp directory, with helpers that
// play the agents' side of the protocol.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "lib/jobs/job_coordinator.h"
#include "lib/store/store.h"
#include "tests/unit/fakes/finished_event.h"
#include "tests/unit/fakes/fleet_store_fixture.h"

namespace fta::testing {

using ::testing::HasSubstr;

class CoordinatorFixture : public FleetStoreFixture {
 protected:
  CoordinatorFixture() : FleetStoreFixture("coordinator_test") {}

  void SetUp() override {
    OpenStore();
    for (const char* id : {"fta-1", "fta-2"}) {
      fleet_.AddReady(id);
      links_.Connect(id);
    }
    options_.ready_timeout = absl::Seconds(60);
    options_.deadline = absl::Hours(1);
  }
  void TearDown() override {
    jobs_.reset();
  }

  hostd::JobCoordinator& jobs() {
    if (!jobs_) jobs_ = std::make_unique<hostd::JobCoordinator>(options_, store_.get(), &fleet_, &links_, &clock_);
    return *jobs_;
  }

  // Both FTAs, one rank each, 4 KiB transfers, write only unless `read`.
  fta::v1::RunIorRequest Request(bool read = false) {
    fta::v1::RunIorRequest request;
    request.add_on("all");
    fta::v1::IorSpec& spec = *request.mutable_spec();
    spec.set_transfer_size("4k");
    spec.set_block_size("8k");
    spec.set_write(true);
    spec.set_read(read);
    spec.set_keep_files(true);
    spec.set_directory(dir_);
    return request;
  }

  hostd::JobCoordinator::Started Start(const fta::v1::RunIorRequest& request) {
    absl::StatusOr<hostd::JobCoordinator::Started> started = jobs().Start(request);
    EXPECT_TRUE(started.ok()) << started.status();
    return started.ok() ? *started : hostd::JobCoordinator::Started{};
  }

  // A job both agents took and answered READY; its id.
  std::string StartReady(hostd::JobCoordinator::Started* started, bool read = false) {
    *started = Start(Request(read));
    Ready(started->job.id(), "fta-1");
    Ready(started->job.id(), "fta-2");
    return started->job.id();
  }

  // The agent takes its part and answers READY.
  fta::agent::v1::JobPart Ready(const std::string& job_id, const std::string& fta_id) {
    fta::agent::v1::HostMessage part = links_.NextSent(fta_id);
    EXPECT_TRUE(part.has_part()) << part.DebugString();
    fta::agent::v1::AgentMessage ready;
    ready.mutable_ready()->set_job_id(job_id);
    links_.Reply(job_id, fta_id, ready);
    return part.part();
  }

  fta::agent::v1::Go NextGo(const std::string& fta_id) {
    fta::agent::v1::HostMessage go = links_.NextSent(fta_id);
    EXPECT_TRUE(go.has_go()) << go.DebugString();
    return go.go();
  }

  // The agent reports its rank's result of the phase that started at `go`.
  void PhaseDone(const std::string& job_id, const std::string& fta_id, int rank, const fta::agent::v1::Go& go) {
    fta::agent::v1::AgentMessage done;
    done.mutable_phase_done()->set_job_id(job_id);
    fta::v1::RankPhaseResult* result = done.mutable_phase_done()->add_ranks();
    result->set_rank(rank);
    result->set_iteration(go.iteration());
    result->set_phase(go.phase());
    const int64_t start = go.start_at_unix_ns();
    result->set_open_start_ns(start);
    result->set_open_end_ns(start + 1'000'000);
    result->set_xfer_start_ns(start + 1'000'000);
    result->set_xfer_end_ns(start + 100'000'000);
    result->set_close_start_ns(start + 100'000'000);
    result->set_close_end_ns(start + 101'000'000);
    result->set_bytes(8192);
    result->set_ops(2);
    links_.Reply(job_id, fta_id, done);
  }

  void Fail(const std::string& job_id, const std::string& fta_id, const std::string& why) {
    fta::agent::v1::AgentMessage failed;
    failed.mutable_failed()->set_job_id(job_id);
    failed.mutable_failed()->set_message(why);
    links_.Reply(job_id, fta_id, failed);
  }

  static fta::v1::Job Finished(hostd::JobEventQueue* events) { return FinishedOf(events); }

  static fta::v1::JobAgentState AgentState(const fta::v1::Job& job, const std::string& fta_id) {
    for (const auto& agent : job.agents()) {
      if (agent.fta_id() == fta_id) return agent.state();
    }
    return fta::v1::JOB_AGENT_STATE_UNSPECIFIED;
  }

  FakeLinks links_{&clock_};
  hostd::JobCoordinator::Options options_;
  std::unique_ptr<hostd::JobCoordinator> jobs_;
};

}  // namespace fta::testing
