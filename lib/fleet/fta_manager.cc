#include "lib/fleet/fta_manager.h"

#include <algorithm>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "lib/core/status_macros.h"
#include "lib/fleet/fta_kinds.h"
#include "lib/fleet/owner.h"
#include "spdlog/spdlog.h"

namespace fta::hostd {
namespace {

using fta::v1::Fta;

bool IsActive(const Fta& fta) { return fta.state() != fta::v1::FTA_STATE_RELEASED; }

}  // namespace

FtaManager::FtaManager(Options options, store::Store* store, virt::Provisioner* provisioner,
                       const Clock* clock)
    : options_(std::move(options)), store_(store), provisioner_(provisioner), clock_(clock) {}

absl::StatusOr<std::vector<std::string>> FtaManager::Reconcile() {
  std::vector<std::string> repairs;
  FTA_ASSIGN_OR_RETURN(std::vector<store::Store::VfAssignment> held_before, store_->ListVfAssignments());
  FTA_ASSIGN_OR_RETURN(std::vector<Fta> stored, store_->ListFtas(/*include_released=*/false));
  for (Fta& fta : stored) {
    absl::Status adopted = fta.pid() > 0 ? provisioner_->Adopt(fta.id(), fta.pid())
                                         : absl::NotFoundError("no pid recorded");
    if (adopted.ok()) {
      fta.set_state(fta::v1::FTA_STATE_STARTING);
      fta.set_last_error("adopted after daemon restart; waiting for the agent to reconnect");
      registry_->Expect(fta.id());
      repairs.push_back(absl::StrCat(fta.id(), ": adopted running agent pid ", fta.pid()));
    } else {
      // The decision said it should run, the OS says it does not: record the
      // truth and release it so capacity is not leaked.
      fta.set_state(fta::v1::FTA_STATE_RELEASED);
      fta.set_last_error(absl::StrCat("gone after daemon restart: ", adopted.message()));
      repairs.push_back(absl::StrCat(fta.id(), ": released, ", adopted.message()));
      // What is left of it (a defined but stopped guest, its overlay) goes too.
      if (absl::Status cleaned = provisioner_->Stop(fta.id(), absl::ZeroDuration()); !cleaned.ok()) {
        repairs.push_back(absl::StrCat(fta.id(), ": cleaning up failed: ", cleaned.message()));
      }
    }
    FTA_RETURN_IF_ERROR(PersistWithVf(fta));
    std::lock_guard<std::mutex> lock(mu_);
    if (IsActive(fta)) ftas_[fta.id()] = fta;
  }
  FTA_RETURN_IF_ERROR(ReconcileOrphans(&repairs));
  FTA_RETURN_IF_ERROR(ReconcileVfs(held_before, &repairs));
  return repairs;
}

std::vector<std::string> FtaManager::ReconcileRunning() {
  std::vector<std::string> repairs;
  // Allocation and release change instances and records together; reconcile
  // between their steps would see half of it.
  std::unique_lock<std::mutex> lifecycle(allocate_mu_, std::try_to_lock);
  if (!lifecycle.owns_lock()) return repairs;
  if (absl::Status orphans = ReconcileOrphans(&repairs); !orphans.ok()) {
    repairs.push_back(absl::StrCat("looking for orphans: ", orphans.message()));
  }
  absl::StatusOr<std::vector<std::string>> owned = provisioner_->ListOwned();
  if (!owned.ok()) return repairs;  // ReconcileOrphans said so already
  const std::set<std::string> running(owned->begin(), owned->end());
  std::vector<std::string> vanished;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [id, fta] : ftas_) {
      if (!IsAllocatedKind(fta.kind()) || fta.state() == fta::v1::FTA_STATE_STARTING) continue;
      if (running.count(id) == 0) vanished.push_back(id);
    }
  }
  for (const std::string& id : vanished) {
    const std::string why = "its instance is gone (found by the periodic reconcile)";
    OnFtaExit(virt::FtaExit{id, why});
    repairs.push_back(absl::StrCat(id, ": failed, ", why));
    // What is left of it (its overlay, a half-removed definition) goes too.
    if (absl::Status cleaned = provisioner_->Stop(id, absl::ZeroDuration()); !cleaned.ok() && !absl::IsNotFound(cleaned)) {
      repairs.push_back(absl::StrCat(id, ": cleaning up failed: ", cleaned.message()));
    }
  }
  return repairs;
}

// Policy for an instance carrying our mark that the store does not hold as
// active (a crash between Start and the store write, or a release whose
// Stop failed): nobody decided it should run, so it is stopped and its
// resources freed, and the store keeps a RELEASED record saying so
// (`ftactl fta list --all` shows it).
absl::Status FtaManager::ReconcileOrphans(std::vector<std::string>* repairs) {
  absl::StatusOr<std::vector<std::string>> owned = provisioner_->ListOwned();
  if (!owned.ok()) {
    repairs->push_back(absl::StrCat("cannot list guests to look for orphans: ", owned.status().message()));
    return absl::OkStatus();
  }
  for (const std::string& id : *owned) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (ftas_.count(id) > 0) continue;
    }
    absl::Status stopped = provisioner_->Stop(id, absl::ZeroDuration());
    absl::StatusOr<Fta> known = store_->GetFta(id);
    Fta record = known.ok() ? *known : Fta();
    if (!known.ok()) {
      record.set_id(id);
      record.set_kind(KindOf(provisioner_->Backend()));
      record.set_backend(BackendOf(provisioner_->Backend()));
      record.set_created_unix_ms(clock_->NowUnixMillis());
    }
    record.set_state(fta::v1::FTA_STATE_RELEASED);
    record.set_last_error(stopped.ok() ? "orphan guest found by reconcile (not active in the store): destroyed"
                                       : absl::StrCat("orphan guest found by reconcile; destroying failed: ",
                                                      stopped.message()));
    FTA_RETURN_IF_ERROR(store_->PutFta(record));
    repairs->push_back(absl::StrCat(id, ": ", record.last_error()));
  }
  return absl::OkStatus();
}

int FtaManager::ActiveCountLocked() {
  int count = 0;
  for (const auto& [id, fta] : ftas_) {
    if (IsAllocatedKind(fta.kind()) && IsActive(fta)) ++count;
  }
  return count;
}

int FtaManager::ActiveCount() {
  std::lock_guard<std::mutex> lock(mu_);
  return ActiveCountLocked();
}

absl::Status FtaManager::Update(const std::string& id, const std::function<void(Fta*)>& change) {
  Fta copy;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = ftas_.find(id);
    if (it == ftas_.end()) return absl::NotFoundError(absl::StrCat("FTA ", id, " not found"));
    change(&it->second);
    copy = it->second;
    if (!IsActive(copy)) ftas_.erase(it);
  }
  return PersistWithVf(copy);
}

absl::StatusOr<Fta> FtaManager::LaunchLocked(const std::string& id, fta::v1::FtaKind kind,
                                             const std::string& backend, const std::string& owner) {
  Fta fta;
  fta.set_id(id);
  fta.set_owner(owner);
  fta.set_kind(kind);
  fta.set_backend(BackendOf(backend));
  fta.set_state(fta::v1::FTA_STATE_STARTING);
  fta.set_created_unix_ms(clock_->NowUnixMillis());
  if (IsAllocatedKind(kind)) FTA_RETURN_IF_ERROR(ClaimVf(&fta));
  // Decision first: a crash right after Start leaves a record to reconcile.
  if (absl::Status recorded = PersistWithVf(fta); !recorded.ok()) {
    if (!fta.vf().empty()) (void)vf_pool_->Release(fta.vf(), id);
    return recorded;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    ftas_[id] = fta;
  }
  registry_->Expect(id);
  absl::StatusOr<std::string> credentials = options_.issue_credentials ? options_.issue_credentials(id) : "";
  absl::StatusOr<virt::FtaInstance> instance =
      credentials.ok() ? provisioner_->Start(virt::FtaLaunchSpec{id, options_.agent_endpoint, *credentials,
                                                                 fta.vf(), backend})
                       : absl::StatusOr<virt::FtaInstance>(credentials.status());
  if (!instance.ok()) {
    registry_->Forget(id, "start failed");
    if (options_.discard_credentials) options_.discard_credentials(id);
    absl::Status ignored = Update(id, [&](Fta* f) {
      f->set_state(fta::v1::FTA_STATE_RELEASED);
      f->set_last_error(std::string(instance.status().message()));
    });
    (void)ignored;
    return instance.status();
  }
  FTA_RETURN_IF_ERROR(Update(id, [&](Fta* f) { f->set_pid(instance->pid); }));
  std::lock_guard<std::mutex> lock(mu_);
  return ftas_[id];
}

absl::StatusOr<std::vector<Fta>> FtaManager::Allocate(int count, absl::Duration connect_timeout,
                                                      fta::v1::FtaKind requested_kind, const std::string& owner) {
  std::vector<std::string> backends = options_.backends;
  if (backends.empty()) backends.push_back(provisioner_->Backend());
  FTA_ASSIGN_OR_RETURN(std::string backend, AllocationBackend(backends, requested_kind));
  const fta::v1::FtaKind kind = KindOf(backend);
  FTA_RETURN_IF_ERROR(ValidateOwner(owner, "owner"));
  if (count < 1) {
    return absl::InvalidArgumentError(absl::StrCat("count: must be at least 1, got ", count));
  }
  if (count > kAbsurdFtaCount) {
    return absl::InvalidArgumentError(
        absl::StrCat("count: ", count, " FTAs is more than any host can run (limit ", kAbsurdFtaCount, ")"));
  }
  if (connect_timeout <= absl::ZeroDuration()) connect_timeout = options_.connect_timeout;
  std::lock_guard<std::mutex> allocation(allocate_mu_);
  int active = ActiveCount();
  if (active + count > options_.max_ftas) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "count: ", count, " FTAs requested but only ", std::max(0, options_.max_ftas - active),
        " more fit (provisioner.max_ftas = ", options_.max_ftas, ", ", active, " allocated)"));
  }
  if (options_.admit) FTA_RETURN_IF_ERROR(options_.admit(count, kind));
  FTA_RETURN_IF_ERROR(CheckVfCapacity(count));
  absl::Time deadline = clock_->Now() + connect_timeout;
  std::vector<std::string> ids;
  absl::Status failure = LaunchAllLocked(count, kind, backend, owner, &ids);
  if (failure.ok()) failure = registry_->WaitConnected(ids, deadline);
  if (!failure.ok()) {
    for (const std::string& id : ids) {
      absl::Status ignored = StopAndRelease(id, absl::StrCat("allocation failed: ", failure.message()));
      (void)ignored;
    }
    return absl::Status(failure.code(),
                        absl::StrCat("allocate: ", failure.message(), "; the ", ids.size(),
                                     " FTA(s) started by this request were released"));
  }
  std::vector<Fta> result;
  std::lock_guard<std::mutex> lock(mu_);
  for (const std::string& id : ids) result.push_back(ftas_[id]);
  return result;
}

absl::Status FtaManager::StopAndRelease(const std::string& id, const std::string& why) {
  registry_->Forget(id, why);
  absl::Status stopped = provisioner_->Stop(id, options_.stop_grace);
  absl::Status recorded = Update(id, [&](Fta* fta) {
    fta->set_state(fta::v1::FTA_STATE_RELEASED);
    if (!stopped.ok()) fta->set_last_error(std::string(stopped.message()));
  });
  // After the record: a crash before it leaves an FTA to adopt, and its agent can still prove who it is.
  if (options_.discard_credentials && recorded.ok()) options_.discard_credentials(id);
  return recorded;
}

absl::StatusOr<std::vector<std::string>> FtaManager::Release(const std::vector<std::string>& ids, bool all) {
  if (all == !ids.empty()) {
    return absl::InvalidArgumentError("ids: give FTA ids or all, not both and not neither");
  }
  std::lock_guard<std::mutex> allocation(allocate_mu_);
  std::vector<std::string> targets;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (all) {
      // Everything this daemon started, the native agent included.
      for (const auto& [id, fta] : ftas_) targets.push_back(id);
    } else {
      targets = ids;
    }
    for (const std::string& id : targets) {
      if (ftas_.count(id) == 0) {
        return absl::NotFoundError(absl::StrCat("ids: FTA ", id, " not found (or already released)"));
      }
      auto busy = busy_.find(id);
      if (busy != busy_.end()) {
        return absl::FailedPreconditionError(
            absl::StrCat("ids: ", id, " is busy with ", busy->second, "; cancel the job first"));
      }
    }
  }
  std::sort(targets.begin(), targets.end(), ByIdNumber);
  std::vector<std::string> released;
  for (const std::string& id : targets) {
    FTA_RETURN_IF_ERROR(StopAndRelease(id, "released by operator"));
    released.push_back(id);
  }
  return released;
}

absl::StatusOr<std::vector<Fta>> FtaManager::List(bool include_released) {
  FTA_ASSIGN_OR_RETURN(std::vector<Fta> ftas, store_->ListFtas(include_released));
  std::sort(ftas.begin(), ftas.end(), [](const Fta& a, const Fta& b) { return ByIdNumber(a.id(), b.id()); });
  WithLiveState(ftas);
  return ftas;
}

absl::StatusOr<Page<Fta>> FtaManager::List(bool include_released, const PageQuery& query) {
  FTA_ASSIGN_OR_RETURN(Page<Fta> page, store_->ListFtas(include_released, query));
  WithLiveState(page.items);
  return page;
}

void FtaManager::WithLiveState(std::vector<Fta>& ftas) {
  std::lock_guard<std::mutex> lock(mu_);
  for (Fta& fta : ftas) {
    if (auto live = ftas_.find(fta.id()); live != ftas_.end()) fta = live->second;
    if (busy_.count(fta.id()) > 0 && fta.state() == fta::v1::FTA_STATE_READY) fta.set_state(fta::v1::FTA_STATE_BUSY);
  }
}

absl::StatusOr<Fta> FtaManager::Get(const std::string& id) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = ftas_.find(id);
    if (it != ftas_.end()) {
      Fta fta = it->second;
      if (busy_.count(id) > 0 && fta.state() == fta::v1::FTA_STATE_READY) fta.set_state(fta::v1::FTA_STATE_BUSY);
      return fta;
    }
  }
  absl::StatusOr<Fta> stored = store_->GetFta(id);
  if (!stored.ok() && absl::IsNotFound(stored.status())) {
    return absl::NotFoundError(absl::StrCat("id: FTA ", id, " not found"));
  }
  return stored;
}

absl::StatusOr<std::vector<Fta>> FtaManager::WaitReady(const std::vector<std::string>& ids,
                                                        absl::Duration timeout) {
  std::vector<std::string> targets = ids;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (targets.empty()) {
      for (const auto& [id, fta] : ftas_) {
        if (IsAllocatedKind(fta.kind())) targets.push_back(id);
      }
    }
    for (const std::string& id : targets) {
      if (ftas_.count(id) == 0) return absl::NotFoundError(absl::StrCat("ids: FTA ", id, " not found"));
    }
  }
  if (timeout <= absl::ZeroDuration()) timeout = options_.connect_timeout;
  FTA_RETURN_IF_ERROR(registry_->WaitConnected(targets, clock_->Now() + timeout));
  std::sort(targets.begin(), targets.end(), ByIdNumber);
  std::vector<Fta> result;
  for (const std::string& id : targets) {
    FTA_ASSIGN_OR_RETURN(Fta fta, Get(id));
    result.push_back(fta);
  }
  return result;
}

absl::Status FtaManager::EnsureNative(absl::Time deadline) {
  if (registry_->IsConnected(kNativeFtaId)) return absl::OkStatus();
  {
    std::lock_guard<std::mutex> allocation(allocate_mu_);
    if (!provisioner_->IsRunning(kNativeFtaId)) {
      FTA_ASSIGN_OR_RETURN(Fta launched, LaunchLocked(kNativeFtaId, fta::v1::FTA_KIND_NATIVE, provisioner_->Backend(), ""));
      (void)launched;
    }
  }
  absl::Status connected = registry_->WaitConnected({kNativeFtaId}, deadline);
  if (!connected.ok()) {
    return absl::UnavailableError(absl::StrCat("the native agent did not connect: ", connected.message()));
  }
  return absl::OkStatus();
}

absl::Status FtaManager::MarkBusy(const std::vector<std::string>& ids, const std::string& job_id) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const std::string& id : ids) {
    auto busy = busy_.find(id);
    if (busy != busy_.end()) {
      return absl::FailedPreconditionError(absl::StrCat("on: ", id, " is busy with ", busy->second));
    }
  }
  for (const std::string& id : ids) busy_[id] = job_id;
  return absl::OkStatus();
}

void FtaManager::MarkIdle(const std::vector<std::string>& ids) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const std::string& id : ids) busy_.erase(id);
}

std::string FtaManager::BusyWith(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = busy_.find(id);
  return it == busy_.end() ? "" : it->second;
}

void FtaManager::OnFtaExit(const virt::FtaExit& exit) {
  // Recorded before the registry tells the FTA's job: a job that ends
  // because of this exit must not leave the FTA looking ready.
  absl::Status status = Update(exit.fta_id, [&](Fta* fta) {
    fta->set_state(fta::v1::FTA_STATE_FAILED);
    fta->set_last_error(exit.description);
  });
  if (!status.ok()) spdlog::warn("recording exit of {}: {}", exit.fta_id, std::string(status.message()));
  registry_->Forget(exit.fta_id, exit.description);
  if (options_.discard_credentials) options_.discard_credentials(exit.fta_id);
}

void FtaManager::OnAgentConnected(const fta::agent::v1::AgentHello& hello) {
  int64_t now = clock_->NowUnixMillis();
  absl::Status status = Update(hello.fta_id(), [&](Fta* fta) {
    fta->set_state(fta::v1::FTA_STATE_READY);
    fta->set_hostname(hello.hostname());
    fta->set_agent_version(hello.agent_version());
    fta->set_ior_path(hello.ior_path());
    fta->set_ior_version(hello.ior_version());
    fta->set_connected_unix_ms(now);
    fta->set_last_heartbeat_unix_ms(now);
    fta->set_last_error("");
    if (hello.pid() > 0 && fta->pid() == 0) fta->set_pid(hello.pid());
  });
  if (!status.ok()) spdlog::warn("recording connection of {}: {}", hello.fta_id(), std::string(status.message()));
}

void FtaManager::OnAgentLost(const std::string& fta_id, const std::string& reason) {
  absl::Status status = Update(fta_id, [&](Fta* fta) {
    if (fta->state() == fta::v1::FTA_STATE_READY || fta->state() == fta::v1::FTA_STATE_BUSY) {
      fta->set_state(fta::v1::FTA_STATE_LOST);
      fta->set_last_error(reason);
    }
  });
  if (!status.ok() && !absl::IsNotFound(status)) {
    spdlog::warn("recording loss of {}: {}", fta_id, std::string(status.message()));
  }
}

}  // namespace fta::hostd
