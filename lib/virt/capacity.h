// CapacityPlanner: how many guests this host can run, and which host cores
// each guest's vCPUs are pinned to.
//
// Host cores and memory minus the configured reserve (the host keeps a core
// for itself, the poster's "host cores - 1") divided by the guest template
// give the maximum. Cores are handed out from the top of the reserve up:
// cores 0..reserve_cores-1 stay with the host. Thread-safe.
//
//   CapacityPlanner planner(host, {1, 4096}, {1, 2048});
//   FTA_RETURN_IF_ERROR(planner.CheckFits(/*requested=*/3));
//   absl::StatusOr<std::vector<int>> cores = planner.AssignCores("fta-1");
//   planner.ReleaseCores("fta-1");
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace fta::virt {

struct HostResources {
  int cores = 0;
  int64_t memory_mib = 0;
};

struct GuestShape {
  int vcpus = 1;
  int64_t memory_mib = 4096;
};

struct HostReserve {
  int cores = 1;
  int64_t memory_mib = 2048;
};

// Cores and memory from /proc (<proc_root>/cpuinfo is not needed:
// sysconf-free so tests can pass a fake root): counts "processor" lines in
// cpuinfo and reads MemTotal from meminfo.
absl::StatusOr<HostResources> ReadHostResources(const std::string& proc_root);
// MemAvailable of <proc_root>/meminfo in bytes (what the page cache may use).
absl::StatusOr<int64_t> ReadAvailableMemoryBytes(const std::string& proc_root);

class CapacityPlanner {
 public:
  CapacityPlanner(HostResources host, GuestShape guest, HostReserve reserve);

  int MaxGuests() const { return max_guests_; }
  // "2 cores - 1 reserved = 1 for 1-vCPU guests; 23 GiB - 2 GiB reserved
  // = 21 GiB for 4 GiB guests: 1 guest (cores are the limit)".
  const std::string& Explanation() const { return explanation_; }

  // OK when `requested` more guests fit beside the ones holding cores now;
  // RESOURCE_EXHAUSTED saying how many fit and why otherwise.
  absl::Status CheckFits(int requested);

  // Cores for one guest (one per vCPU); RESOURCE_EXHAUSTED when none are
  // free. Assigning to an id that already holds cores returns those.
  absl::StatusOr<std::vector<int>> AssignCores(const std::string& fta_id);
  // Records cores found on an adopted guest. Cores outside the guest range
  // or already held are refused (FAILED_PRECONDITION).
  absl::Status ClaimCores(const std::string& fta_id, const std::vector<int>& cores);
  void ReleaseCores(const std::string& fta_id);
  int GuestsHoldingCores();

 private:
  const HostResources host_;
  const GuestShape guest_;
  const HostReserve reserve_;
  int max_guests_ = 0;
  std::string explanation_;
  std::mutex mu_;
  std::map<std::string, std::vector<int>> assigned_ ABSL_GUARDED_BY(mu_);
};

}  // namespace fta::virt
