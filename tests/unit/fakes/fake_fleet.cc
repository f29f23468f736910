#include "tests/unit/fakes/fake_fleet.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace fta::testing {
namespace {

int IdNumber(const std::string& id) {
  int number = 0;
  (void)absl::SimpleAtoi(id.substr(id.find('-') + 1), &number);
  return number;
}

fta::v1::Fta ReadyFta(const std::string& id, fta::v1::FtaKind kind) {
  fta::v1::Fta fta;
  fta.set_id(id);
  fta.set_kind(kind);
  fta.set_state(fta::v1::FTA_STATE_READY);
  return fta;
}

}  // namespace

void FakeFleet::AddReady(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  guests_[IdNumber(id)] = ReadyFta(id, fta::v1::FTA_KIND_PROCESS);
  next_id_ = std::max(next_id_, IdNumber(id) + 1);
}

std::vector<std::string> FakeFleet::calls() {
  std::lock_guard<std::mutex> lock(mu_);
  return calls_;
}

bool FakeFleet::busy(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  return busy_.count(id) > 0;
}

absl::Status FakeFleet::EnsureNative(absl::Time) {
  std::lock_guard<std::mutex> lock(mu_);
  native_ = true;
  return absl::OkStatus();
}

std::vector<std::string> FakeFleet::ReadyGuestIds() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> ids;
  for (const auto& [number, fta] : guests_) {
    if (fta.state() == fta::v1::FTA_STATE_READY && busy_.count(fta.id()) == 0) ids.push_back(fta.id());
  }
  return ids;
}

absl::StatusOr<fta::v1::Fta> FakeFleet::Get(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  if (id == hostd::kNativeFtaId && native_) return ReadyFta(id, fta::v1::FTA_KIND_NATIVE);
  auto it = guests_.find(IdNumber(id));
  if (it == guests_.end() || it->second.id() != id) return absl::NotFoundError(absl::StrCat(id, ": no such FTA"));
  return it->second;
}

absl::Status FakeFleet::MarkBusy(const std::vector<std::string>& ids, const std::string& job_id) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const std::string& id : ids) {
    if (busy_.count(id) > 0) return absl::FailedPreconditionError(absl::StrCat(id, " is busy with ", busy_[id]));
  }
  for (const std::string& id : ids) busy_[id] = job_id;
  return absl::OkStatus();
}

void FakeFleet::MarkIdle(const std::vector<std::string>& ids) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const std::string& id : ids) busy_.erase(id);
}

absl::StatusOr<std::vector<fta::v1::Fta>> FakeFleet::List(bool include_released) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<fta::v1::Fta> listed;
  for (const auto& [number, fta] : guests_) {
    if (include_released || fta.state() != fta::v1::FTA_STATE_RELEASED) listed.push_back(fta);
  }
  return listed;
}

absl::StatusOr<std::vector<fta::v1::Fta>> FakeFleet::WaitReady(const std::vector<std::string>& ids,
                                                               absl::Duration) {
  std::vector<fta::v1::Fta> ready;
  for (const std::string& id : ids) {
    absl::StatusOr<fta::v1::Fta> fta = Get(id);
    if (!fta.ok()) return fta.status();
    ready.push_back(*fta);
  }
  return ready;
}

absl::StatusOr<std::vector<fta::v1::Fta>> FakeFleet::Allocate(int count, absl::Duration, fta::v1::FtaKind kind) {
  if (kind == fta::v1::FTA_KIND_UNSPECIFIED) kind = fta::v1::FTA_KIND_PROCESS;
  std::vector<fta::v1::Fta> added;
  {
    std::lock_guard<std::mutex> lock(mu_);
    calls_.push_back(absl::StrCat("allocate ", count));
    for (int i = 0; i < count; ++i) {
      fta::v1::Fta fta = ReadyFta(absl::StrCat("fta-", next_id_), kind);
      fta.set_backend(kind == fta::v1::FTA_KIND_CONTAINER ? fta::v1::BACKEND_LXC : fta::v1::BACKEND_PROCESS);
      guests_[next_id_++] = fta;
      added.push_back(fta);
    }
  }
  if (on_allocate_) {
    for (const fta::v1::Fta& fta : added) on_allocate_(fta.id());
  }
  return added;
}

absl::StatusOr<std::vector<std::string>> FakeFleet::Release(const std::vector<std::string>& ids, bool) {
  std::lock_guard<std::mutex> lock(mu_);
  calls_.push_back(absl::StrCat("release ", absl::StrJoin(ids, ",")));
  for (const std::string& id : ids) {
    auto it = guests_.find(IdNumber(id));
    if (it != guests_.end()) it->second.set_state(fta::v1::FTA_STATE_RELEASED);
  }
  return ids;
}

// ---------------------------------------------------------------------------

class FakeLinks::Connection final : public hostd::AgentConnection {
 public:
  explicit Connection(const Clock* clock) : sent(std::make_shared<core::EventQueue<fta::agent::v1::HostMessage>>(clock)) {}
  void Send(const fta::agent::v1::HostMessage& message) override { sent->Push(message); }
  void Close(const std::string&) override { sent->Close(); }
  std::shared_ptr<core::EventQueue<fta::agent::v1::HostMessage>> sent;
};

void FakeLinks::Connect(const std::string& fta_id) {
  std::lock_guard<std::mutex> lock(mu_);
  connections_[fta_id] = std::make_shared<Connection>(&real_clock_);
}

fta::agent::v1::HostMessage FakeLinks::NextSent(const std::string& fta_id) {
  std::shared_ptr<Connection> connection;
  {
    std::lock_guard<std::mutex> lock(mu_);
    connection = connections_.at(fta_id);
  }
  std::optional<fta::agent::v1::HostMessage> message = connection->sent->PopFor(absl::Seconds(30));
  EXPECT_TRUE(message.has_value()) << "nothing sent to " << fta_id;
  return message.value_or(fta::agent::v1::HostMessage());
}

void FakeLinks::Reply(const std::string& job_id, const std::string& fta_id, const fta::agent::v1::AgentMessage& message) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = inboxes_.find(job_id);
  ASSERT_NE(it, inboxes_.end()) << job_id << " has no open inbox";
  it->second->Push(hostd::InboxEvent{fta_id, message, ""});
}

void FakeLinks::Lose(const std::string& job_id, const std::string& fta_id, const std::string& reason) {
  std::lock_guard<std::mutex> lock(mu_);
  connections_.erase(fta_id);
  auto it = inboxes_.find(job_id);
  if (it != inboxes_.end()) it->second->Push(hostd::InboxEvent{fta_id, std::nullopt, reason});
}

bool FakeLinks::inbox_open(const std::string& job_id) {
  std::lock_guard<std::mutex> lock(mu_);
  return inboxes_.count(job_id) > 0;
}

std::shared_ptr<hostd::JobInbox> FakeLinks::OpenInbox(const std::string& job_id, const std::set<std::string>&) {
  auto inbox = std::make_shared<hostd::JobInbox>(clock_);
  std::lock_guard<std::mutex> lock(mu_);
  inboxes_[job_id] = inbox;
  return inbox;
}

void FakeLinks::CloseInbox(const std::string& job_id) {
  std::lock_guard<std::mutex> lock(mu_);
  inboxes_.erase(job_id);
}

std::shared_ptr<hostd::AgentConnection> FakeLinks::Find(const std::string& fta_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = connections_.find(fta_id);
  return it == connections_.end() ? nullptr : it->second;
}

}  // namespace fta::testing
