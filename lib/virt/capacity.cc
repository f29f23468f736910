#include "lib/virt/capacity.h"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "lib/core/status_macros.h"

namespace fta::virt {
namespace {

std::string Gib(int64_t mib) {
  if (mib % 1024 == 0) return absl::StrCat(mib / 1024, " GiB");
  return absl::StrCat(mib, " MiB");
}

// The value of `key` ("MemTotal:") in <proc_root>/meminfo, in KiB (0 when absent).
absl::StatusOr<int64_t> MeminfoKib(const std::string& proc_root, absl::string_view key) {
  std::ifstream meminfo(proc_root + "/meminfo");
  if (!meminfo) return absl::FailedPreconditionError(absl::StrCat("cannot read ", proc_root, "/meminfo"));
  std::string line;
  while (std::getline(meminfo, line)) {
    if (!absl::StartsWith(line, key)) continue;
    std::vector<std::string> words = absl::StrSplit(line, ' ', absl::SkipEmpty());
    int64_t kib = 0;
    if (words.size() >= 2 && absl::SimpleAtoi(words[1], &kib)) return kib;
  }
  return 0;
}

}  // namespace

absl::StatusOr<int64_t> ReadAvailableMemoryBytes(const std::string& proc_root) {
  FTA_ASSIGN_OR_RETURN(int64_t kib, MeminfoKib(proc_root, "MemAvailable:"));
  return kib * 1024;
}

absl::StatusOr<HostResources> ReadHostResources(const std::string& proc_root) {
  HostResources host;
  std::ifstream cpuinfo(proc_root + "/cpuinfo");
  if (!cpuinfo) return absl::FailedPreconditionError(absl::StrCat("cannot read ", proc_root, "/cpuinfo"));
  std::string line;
  while (std::getline(cpuinfo, line)) {
    if (absl::StartsWith(line, "processor")) ++host.cores;
  }
  FTA_ASSIGN_OR_RETURN(int64_t kib, MeminfoKib(proc_root, "MemTotal:"));
  host.memory_mib = kib / 1024;
  if (host.cores == 0 || host.memory_mib == 0) {
    return absl::FailedPreconditionError(absl::StrCat("no processor count or MemTotal under ", proc_root));
  }
  return host;
}

CapacityPlanner::CapacityPlanner(HostResources host, GuestShape guest, HostReserve reserve)
    : host_(host), guest_(guest), reserve_(reserve) {
  int guest_cores = std::max(0, host_.cores - reserve_.cores);
  int64_t guest_memory = std::max<int64_t>(0, host_.memory_mib - reserve_.memory_mib);
  int by_cores = guest_.vcpus > 0 ? guest_cores / guest_.vcpus : 0;
  int by_memory = guest_.memory_mib > 0 ? static_cast<int>(guest_memory / guest_.memory_mib) : 0;
  max_guests_ = std::min(by_cores, by_memory);
  std::string limit = by_cores == by_memory ? "cores and memory are the limit"
                      : by_cores < by_memory ? "cores are the limit"
                                             : "memory is the limit";
  explanation_ = absl::StrCat(host_.cores, " cores - ", reserve_.cores, " reserved = ", guest_cores, " for ",
                              guest_.vcpus, "-vCPU guests; ", Gib(host_.memory_mib), " - ",
                              Gib(reserve_.memory_mib), " reserved = ", Gib(guest_memory), " for ",
                              Gib(guest_.memory_mib), " guests: ", max_guests_,
                              max_guests_ == 1 ? " guest (" : " guests (", limit, ")");
}

absl::Status CapacityPlanner::CheckFits(int requested) {
  int holding = GuestsHoldingCores();
  if (holding + requested <= max_guests_) return absl::OkStatus();
  return absl::ResourceExhaustedError(absl::StrCat("count: ", requested, " guest(s) requested but only ",
                                                   std::max(0, max_guests_ - holding), " more fit (", holding,
                                                   " running; ", explanation_, ")"));
}

absl::StatusOr<std::vector<int>> CapacityPlanner::AssignCores(const std::string& fta_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto existing = assigned_.find(fta_id);
  if (existing != assigned_.end()) return existing->second;
  std::set<int> held;
  for (const auto& [id, cores] : assigned_) held.insert(cores.begin(), cores.end());
  // Guest slot i owns cores reserve + i*vcpus .. reserve + (i+1)*vcpus - 1.
  for (int slot = 0; slot < max_guests_; ++slot) {
    std::vector<int> cores;
    for (int v = 0; v < guest_.vcpus; ++v) cores.push_back(reserve_.cores + slot * guest_.vcpus + v);
    bool free = std::none_of(cores.begin(), cores.end(), [&](int core) { return held.count(core) > 0; });
    if (free) {
      assigned_[fta_id] = cores;
      return cores;
    }
  }
  return absl::ResourceExhaustedError(
      absl::StrCat(fta_id, ": no free host cores (", assigned_.size(), " guests running; ", explanation_, ")"));
}

absl::Status CapacityPlanner::ClaimCores(const std::string& fta_id, const std::vector<int>& cores) {
  std::lock_guard<std::mutex> lock(mu_);
  for (int core : cores) {
    if (core < reserve_.cores || core >= host_.cores) {
      return absl::FailedPreconditionError(absl::StrCat(fta_id, ": pinned to core ", core,
                                                        ", outside the guest cores ", reserve_.cores, "..",
                                                        host_.cores - 1));
    }
    for (const auto& [id, held] : assigned_) {
      if (id != fta_id && std::count(held.begin(), held.end(), core) > 0) {
        return absl::FailedPreconditionError(
            absl::StrCat(fta_id, ": pinned to core ", core, ", which ", id, " holds"));
      }
    }
  }
  assigned_[fta_id] = cores;
  return absl::OkStatus();
}

void CapacityPlanner::ReleaseCores(const std::string& fta_id) {
  std::lock_guard<std::mutex> lock(mu_);
  assigned_.erase(fta_id);
}

int CapacityPlanner::GuestsHoldingCores() {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int>(assigned_.size());
}

}  // namespace fta::virt
