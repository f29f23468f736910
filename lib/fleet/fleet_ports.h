// What the job and sweep engines need of the fleet, as narrow interfaces:
// FtaManager implements JobFleet and SweepFleet, AgentRegistry implements
// AgentLinks. The engines take these, so their unit tests run against fakes
// (tests/unit/fakes/) instead of processes and streams.
#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "fta/agent/v1/agent.pb.h"
#include "fta/v1/common.pb.h"
#include "lib/core/event_queue.h"

namespace fta::hostd {

inline constexpr char kNativeFtaId[] = "native";
// Requests above this are typos, not capacity questions.
inline constexpr int kAbsurdFtaCount = 1024;

// The daemon's end of one agent stream.
class AgentConnection {
 public:
  virtual ~AgentConnection() = default;
  // Queues a message; never blocks. Dropped silently once the stream ended.
  virtual void Send(const fta::agent::v1::HostMessage& message) = 0;
  // Ends the stream (the registry then sees a disconnect).
  virtual void Close(const std::string& reason) = 0;
};

// Something that happened to an agent, as seen by a job.
struct InboxEvent {
  std::string fta_id;
  std::optional<fta::agent::v1::AgentMessage> message;  // empty: the agent was lost
  std::string lost_reason;
};

// A job's mailbox. Closing it wakes the job's waiting thread (cancel).
using JobInbox = core::EventQueue<InboxEvent>;

// The FTAs a job runs on (FtaManager).
class JobFleet {
 public:
  virtual ~JobFleet() = default;
  // Starts the host's own agent if it is not connected, and waits for it.
  virtual absl::Status EnsureNative(absl::Time deadline) = 0;
  // Ids of guest FTAs whose agent is connected and not busy.
  virtual std::vector<std::string> ReadyGuestIds() = 0;
  // The same, of one owner's FTAs (`--on owner:NAME`), the first `max` (0: all).
  virtual absl::StatusOr<std::vector<std::string>> ReadyIdsOf(const std::string& owner, int max) = 0;
  virtual absl::StatusOr<fta::v1::Fta> Get(const std::string& id) = 0;
  // An FTA takes part in one job at a time.
  virtual absl::Status MarkBusy(const std::vector<std::string>& ids, const std::string& job_id) = 0;
  virtual void MarkIdle(const std::vector<std::string>& ids) = 0;
};

// The agents' streams, as a job uses them (AgentRegistry).
class AgentLinks {
 public:
  virtual ~AgentLinks() = default;
  // Messages carrying this job id, and the loss of any agent, go to the inbox.
  virtual std::shared_ptr<JobInbox> OpenInbox(const std::string& job_id, const std::set<std::string>& fta_ids) = 0;
  virtual void CloseInbox(const std::string& job_id) = 0;
  // The FTA's current stream; null when it is not connected.
  virtual std::shared_ptr<AgentConnection> Find(const std::string& fta_id) = 0;
};

// Bringing the fleet to a sweep step's size (FtaManager).
class SweepFleet {
 public:
  virtual ~SweepFleet() = default;
  virtual int max_ftas() const = 0;
  virtual absl::StatusOr<std::vector<fta::v1::Fta>> List(bool include_released) = 0;
  virtual absl::StatusOr<fta::v1::Fta> Get(const std::string& id) = 0;
  virtual absl::StatusOr<std::vector<fta::v1::Fta>> WaitReady(const std::vector<std::string>& ids,
                                                              absl::Duration timeout) = 0;
  // `kind`: what to start (UNSPECIFIED = the default backend's kind).
  virtual absl::StatusOr<std::vector<fta::v1::Fta>> Allocate(int count, absl::Duration connect_timeout,
                                                             fta::v1::FtaKind kind) = 0;
  virtual absl::StatusOr<std::vector<std::string>> Release(const std::vector<std::string>& ids, bool all) = 0;
};

}  // namespace fta::hostd
