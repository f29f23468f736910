#include "lib/fleet/agent_registry.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "lib/core/abbreviate.h"
#include "lib/core/status_macros.h"
#include "spdlog/spdlog.h"

namespace fta::hostd {

AgentRegistry::AgentRegistry(Options options, const Clock* clock, AgentListener* listener)
    : options_(std::move(options)), clock_(clock), listener_(listener) {
  heartbeat_thread_ = std::thread([this] { HeartbeatLoop(); });
  record_thread_ = std::thread([this] {
    while (std::optional<std::function<void()>> record = records_.Pop(absl::InfiniteFuture())) (*record)();
  });
}

AgentRegistry::~AgentRegistry() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  heartbeat_thread_.join();
  records_.Close();  // the record thread writes what is queued, then ends
  record_thread_.join();
}

void AgentRegistry::Expect(const std::string& fta_id) {
  std::lock_guard<std::mutex> lock(mu_);
  expected_.insert(fta_id);
}

void AgentRegistry::Forget(const std::string& fta_id, const std::string& reason) {
  std::shared_ptr<AgentConnection> connection;
  std::vector<std::shared_ptr<JobInbox>> affected;
  {
    std::lock_guard<std::mutex> lock(mu_);
    expected_.erase(fta_id);
    auto it = sessions_.find(fta_id);
    if (it != sessions_.end()) {
      connection = it->second.connection;
      sessions_.erase(it);
    }
    for (auto& [job_id, entry] : inboxes_) {
      if (entry.fta_ids.count(fta_id) > 0) affected.push_back(entry.inbox);
    }
  }
  // A job waiting on this FTA must hear it is gone: its stream's end is no
  // longer reported once the session is erased.
  for (auto& inbox : affected) inbox->Push(InboxEvent{fta_id, std::nullopt, reason});
  if (connection) connection->Close(reason);
}

bool AgentRegistry::IsConnected(const std::string& fta_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = sessions_.find(fta_id);
  return it != sessions_.end() && it->second.announced;
}

std::vector<std::string> AgentRegistry::ConnectedIds() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> ids;
  for (const auto& [id, session] : sessions_) ids.push_back(id);
  return ids;
}

absl::Status AgentRegistry::WaitConnected(const std::vector<std::string>& fta_ids, absl::Time deadline) {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    std::vector<std::string> missing;
    for (const std::string& id : fta_ids) {
      auto session = sessions_.find(id);
      if (session == sessions_.end() || !session->second.announced) missing.push_back(id);
    }
    if (missing.empty()) return absl::OkStatus();
    if (waits_stopped_) {
      return absl::UnavailableError(absl::StrCat("the daemon is shutting down; ", absl::StrJoin(missing, ", "),
                                                 missing.size() == 1 ? " has" : " have", " not connected"));
    }
    absl::Duration left = deadline - clock_->Now();
    if (left <= absl::ZeroDuration() || stopping_) {
      return absl::DeadlineExceededError(
          absl::StrCat(absl::StrJoin(missing, ", "), missing.size() == 1 ? " has" : " have",
                       " not connected in time"));
    }
    connected_cv_.wait_for(lock, absl::ToChronoNanoseconds(left));
  }
}

std::shared_ptr<AgentConnection> AgentRegistry::Find(const std::string& fta_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = sessions_.find(fta_id);
  return it == sessions_.end() ? nullptr : it->second.connection;
}

void AgentRegistry::StopWaiting() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    waits_stopped_ = true;
  }
  connected_cv_.notify_all();
}

void AgentRegistry::CloseAll(const std::string& reason) {
  std::vector<std::shared_ptr<AgentConnection>> connections;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [id, session] : sessions_) connections.push_back(session.connection);
  }
  for (auto& connection : connections) connection->Close(reason);
}

std::shared_ptr<JobInbox> AgentRegistry::OpenInbox(const std::string& job_id,
                                                   const std::set<std::string>& fta_ids) {
  auto inbox = std::make_shared<JobInbox>(clock_);
  std::lock_guard<std::mutex> lock(mu_);
  inboxes_[job_id] = InboxEntry{inbox, fta_ids};
  return inbox;
}

void AgentRegistry::CloseInbox(const std::string& job_id) {
  std::lock_guard<std::mutex> lock(mu_);
  inboxes_.erase(job_id);
}

absl::Status CheckHelloSizes(const fta::agent::v1::AgentHello& hello) {
  const std::string& id = hello.fta_id();
  bool id_ok = !id.empty() && id.size() <= AgentHelloLimits::kId && std::all_of(id.begin(), id.end(), [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' || c == ':';
  });
  if (!id_ok) {
    return absl::InvalidArgumentError(absl::StrCat("fta_id: \"", Abbreviate(id),
                                                   "\" is not an FTA id (1-128 characters of A-Z a-z 0-9 . _ : -)"));
  }
  const std::pair<const char*, std::pair<const std::string*, size_t>> fields[] = {
      {"hostname", {&hello.hostname(), AgentHelloLimits::kHostname}},
      {"agent_version", {&hello.agent_version(), AgentHelloLimits::kVersion}},
      {"token", {&hello.token(), AgentHelloLimits::kToken}},
      {"ior_path", {&hello.ior_path(), AgentHelloLimits::kPath}},
      {"ior_version", {&hello.ior_version(), AgentHelloLimits::kVersion}}};
  for (const auto& [name, field] : fields) {
    if (field.first->size() > field.second) {
      return absl::InvalidArgumentError(absl::StrCat("agent ", id, ": ", name, " is ", field.first->size(),
                                                     " bytes, more than ", field.second));
    }
  }
  return absl::OkStatus();
}

absl::Status AgentRegistry::OnHello(const fta::agent::v1::AgentHello& hello, const std::string& certified_id,
                                    std::shared_ptr<AgentConnection> connection) {
  FTA_RETURN_IF_ERROR(CheckHelloSizes(hello));
  const std::string& id = hello.fta_id();
  if (!certified_id.empty() && certified_id != id) {
    return absl::PermissionDeniedError(absl::StrCat("agent ", id, ": the client certificate is for ",
                                                    Abbreviate(certified_id), ", not for ", id));
  }
  // Before saying whether the id exists: no FTA ids for the unauthenticated.
  if (options_.token_matches && !options_.token_matches(id, hello.token())) {
    return absl::PermissionDeniedError(absl::StrCat("agent ", id, ": wrong token (not this FTA's)"));
  }
  const AgentConnection* stream = nullptr;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (expected_.count(id) == 0) {
      return absl::NotFoundError(absl::StrCat("agent ", id, ": no such FTA on this host"));
    }
    auto [it, inserted] = sessions_.try_emplace(id);
    if (!inserted) {
      return absl::AlreadyExistsError(absl::StrCat(
          "agent ", id, ": already connected; a second stream for the same FTA is refused (the first one stays)"));
    }
    stream = connection.get();
    it->second.connection = std::move(connection);
    it->second.last_seen_ms = clock_->NowUnixMillis();
  }
  spdlog::info("agent {} connected (host {}, pid {})", id, Abbreviate(hello.hostname()), hello.pid());
  // Welcomed at once; announced to waiters once the store says READY.
  records_.Push([this, hello, stream] {
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = sessions_.find(hello.fta_id());
      if (it == sessions_.end() || it->second.connection.get() != stream) return;  // gone already
    }
    listener_->OnAgentConnected(hello);
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = sessions_.find(hello.fta_id());
      if (it != sessions_.end() && it->second.connection.get() == stream) it->second.announced = true;
    }
    connected_cv_.notify_all();
  });
  return absl::OkStatus();
}

std::string AgentRegistry::JobIdOf(const fta::agent::v1::AgentMessage& message) {
  // Every body but hello and heartbeat belongs to a job and names it in a
  // job_id field: read it by name, not per body type.
  const google::protobuf::Reflection* reflection = message.GetReflection();
  const google::protobuf::FieldDescriptor* body =
      reflection->GetOneofFieldDescriptor(message, message.GetDescriptor()->FindOneofByName("body"));
  if (body == nullptr || body->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE) return "";
  const google::protobuf::Message& part = reflection->GetMessage(message, body);
  const google::protobuf::FieldDescriptor* job_id = part.GetDescriptor()->FindFieldByName("job_id");
  if (job_id == nullptr || job_id->is_repeated() ||
      job_id->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_STRING) {
    return "";
  }
  return part.GetReflection()->GetString(part, job_id);
}

void AgentRegistry::OnMessage(const std::string& fta_id, const fta::agent::v1::AgentMessage& message) {
  std::shared_ptr<JobInbox> inbox;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto session = sessions_.find(fta_id);
    if (session != sessions_.end()) session->second.last_seen_ms = clock_->NowUnixMillis();
    std::string job_id = JobIdOf(message);
    if (job_id.empty()) return;  // heartbeat
    if (job_id.size() > AgentHelloLimits::kId) {
      spdlog::debug("dropping message of {} for job id {}", fta_id, Abbreviate(job_id));
      return;
    }
    auto it = inboxes_.find(job_id);
    if (it == inboxes_.end() || it->second.fta_ids.count(fta_id) == 0) {
      spdlog::debug("dropping message of {} for inactive job {}", fta_id, job_id);
      return;
    }
    inbox = it->second.inbox;
  }
  // Live samples are what may be dropped when the job's thread is behind:
  // the inbox stays bounded, and the phase results carry the exact counts.
  if (message.has_sample_batch() || message.has_sample()) {
    if (!inbox->PushBounded(InboxEvent{fta_id, message, ""}, options_.max_sample_backlog)) {
      samples_dropped_.fetch_add(1, std::memory_order_relaxed);
    }
    return;
  }
  InboxEvent event{fta_id, message, ""};
  if (event.message->has_failed() && event.message->failed().message().size() > AgentHelloLimits::kErrorMessage) {
    std::string* text = event.message->mutable_failed()->mutable_message();
    *text = absl::StrCat(text->substr(0, AgentHelloLimits::kErrorMessage), "... (", text->size(), " bytes)");
  }
  inbox->Push(std::move(event));
}

void AgentRegistry::OnDisconnect(const std::string& fta_id, const AgentConnection* connection,
                                 const std::string& reason) {
  std::vector<std::shared_ptr<JobInbox>> affected;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = sessions_.find(fta_id);
    // A stream that was already replaced or forgotten is not a loss.
    if (it == sessions_.end() || it->second.connection.get() != connection) return;
    sessions_.erase(it);
    for (auto& [job_id, entry] : inboxes_) {
      if (entry.fta_ids.count(fta_id) > 0) affected.push_back(entry.inbox);
    }
  }
  spdlog::warn("agent {} lost: {}", fta_id, reason);
  // Recorded before any job hears of it: a job that ends because of this
  // loss must never leave its caller looking at the FTA as still ready.
  records_.Push([this, fta_id, reason, affected = std::move(affected)] {
    listener_->OnAgentLost(fta_id, reason);
    for (auto& inbox : affected) inbox->Push(InboxEvent{fta_id, std::nullopt, reason});
  });
}

void AgentRegistry::HeartbeatLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    stop_cv_.wait_for(lock, std::chrono::milliseconds(std::max(50, options_.heartbeat_interval_ms / 2)));
    if (stopping_) break;
    loop_ticks_.fetch_add(1, std::memory_order_relaxed);
    int64_t now = clock_->NowUnixMillis();
    std::vector<std::shared_ptr<AgentConnection>> silent;
    std::vector<std::string> reasons;
    for (auto& [id, session] : sessions_) {
      if (now - session.last_seen_ms > options_.heartbeat_timeout_ms) {
        silent.push_back(session.connection);
        reasons.push_back(absl::StrCat("no message for ", now - session.last_seen_ms,
                                       " ms (agents.heartbeat_timeout_ms: ", options_.heartbeat_timeout_ms, ")"));
      }
    }
    lock.unlock();
    // Closing ends the stream; OnDisconnect then reports the loss.
    for (size_t i = 0; i < silent.size(); ++i) silent[i]->Close(reasons[i]);
    lock.lock();
  }
}

}  // namespace fta::hostd
