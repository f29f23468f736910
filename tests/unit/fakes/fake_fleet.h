// Fakes of the fleet's narrow interfaces (lib/fleet/fleet_ports.h) for unit
// tests of the job and sweep engines: FTAs as records, agents as queues.
//
//   FakeFleet fleet;  fleet.AddReady("fta-1");
//   FakeLinks links;  links.Connect("fta-1");
//   JobCoordinator jobs(options, store, &fleet, &links, &clock);
//   fta::agent::v1::HostMessage part = links.NextSent("fta-1");   // what the agent got
//   links.Reply("fta-1", ready);                            // what it answers
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "fta/agent/v1/agent.pb.h"
#include "fta/v1/common.pb.h"
#include "lib/core/clock.h"
#include "lib/core/event_queue.h"
#include "lib/fleet/fleet_ports.h"

namespace fta::testing {

class FakeFleet final : public hostd::JobFleet, public hostd::SweepFleet {
 public:
  // A guest FTA, READY (connected, idle).
  void AddReady(const std::string& id);
  // Called with every FTA Allocate starts (tests connect its agent there).
  void OnAllocate(std::function<void(const std::string&)> hook) { on_allocate_ = std::move(hook); }
  // "allocate N", "release fta-3", ... in call order.
  std::vector<std::string> calls();
  bool busy(const std::string& id);
  void set_max_ftas(int max) { max_ftas_ = max; }

  // JobFleet
  absl::Status EnsureNative(absl::Time deadline) override;
  std::vector<std::string> ReadyGuestIds() override;
  // Owners are the fleet's business (FtaManager, owners_test): none here.
  absl::StatusOr<std::vector<std::string>> ReadyIdsOf(const std::string& owner, int) override {
    return absl::FailedPreconditionError("on: owner " + owner + " has no ready FTA (fake fleet)");
  }
  absl::StatusOr<fta::v1::Fta> Get(const std::string& id) override;
  absl::Status MarkBusy(const std::vector<std::string>& ids, const std::string& job_id) override;
  void MarkIdle(const std::vector<std::string>& ids) override;
  // SweepFleet
  int max_ftas() const override { return max_ftas_; }
  absl::StatusOr<std::vector<fta::v1::Fta>> List(bool include_released) override;
  absl::StatusOr<std::vector<fta::v1::Fta>> WaitReady(const std::vector<std::string>& ids,
                                                      absl::Duration timeout) override;
  absl::StatusOr<std::vector<fta::v1::Fta>> Allocate(int count, absl::Duration connect_timeout,
                                                     fta::v1::FtaKind kind) override;
  absl::StatusOr<std::vector<std::string>> Release(const std::vector<std::string>& ids, bool all) override;

 private:
  std::mutex mu_;
  std::map<int, fta::v1::Fta> guests_;  // by id number: List's order
  std::map<std::string, std::string> busy_;
  std::vector<std::string> calls_;
  int next_id_ = 1;
  int max_ftas_ = 16;
  bool native_ = false;
  std::function<void(const std::string&)> on_allocate_;
};

// Agents as seen by a job: what the daemon sent each one (a queue per FTA)
// and a way to answer into the job's inbox.
class FakeLinks final : public hostd::AgentLinks {
 public:
  // `clock` (not owned) times the jobs' inboxes: the engine's clock.
  explicit FakeLinks(const Clock* clock) : clock_(clock) {}
  void Connect(const std::string& fta_id);
  // The next message the daemon sent this agent; fails the test when none
  // comes within a generous real-time bound (a hang guard, not a timing check).
  fta::agent::v1::HostMessage NextSent(const std::string& fta_id);
  // The agent answers (AgentMessage into the open inbox of `job_id`).
  void Reply(const std::string& job_id, const std::string& fta_id, const fta::agent::v1::AgentMessage& message);
  // The agent's stream ends.
  void Lose(const std::string& job_id, const std::string& fta_id, const std::string& reason);
  bool inbox_open(const std::string& job_id);

  std::shared_ptr<hostd::JobInbox> OpenInbox(const std::string& job_id,
                                             const std::set<std::string>& fta_ids) override;
  void CloseInbox(const std::string& job_id) override;
  std::shared_ptr<hostd::AgentConnection> Find(const std::string& fta_id) override;

 private:
  class Connection;
  const Clock* clock_;
  RealClock real_clock_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<Connection>> connections_;
  std::map<std::string, std::shared_ptr<hostd::JobInbox>> inboxes_;
};

}  // namespace fta::testing
