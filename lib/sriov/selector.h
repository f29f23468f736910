// Which PFs (and which of their VFs) hostd manages, from sriov.pfs, in the
// spirit of the Kubernetes SR-IOV device plugin's pfNames/rootDevices:
//
//   "0000:03:00.0"     the PF at this PCI address, all its VFs
//   "mlx5_0"           the PF whose InfiniBand device is mlx5_0
//   "ib0"              the PF behind netdev ib0
//   "mlx5_0#0-7"       VFs 0..7 only; "#0,2,4-5" lists and ranges mix
//
// With no selector, every PF whose VFs are already enabled (sriov_numvfs > 0)
// is managed, whole.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/sriov/discovery.h"
#include "lib/sriov/sysfs.h"

namespace fta::sriov {

struct PfSelector {
  std::string text;                         // as configured, for messages
  std::string name;                         // PCI address, IB device or netdev
  std::optional<std::set<int>> vf_indices;  // nullopt: every VF
};

// INVALID_ARGUMENT naming "sriov.pfs" and the selector on a malformed range.
absl::StatusOr<PfSelector> ParseSelector(const std::string& text);

struct ManagedPf {
  std::string address;
  std::optional<std::set<int>> vf_indices;  // nullopt: every VF
  std::string selected_by;                  // selector text, or "numvfs > 0"
  bool Includes(int vf_index) const { return !vf_indices || vf_indices->count(vf_index) > 0; }
};

// Matches selectors against the inventory. NOT_FOUND for a name that is no
// PCI function, IB device or netdev (naming where it looked);
// FAILED_PRECONDITION for a device that is not an SR-IOV PF or could not be
// read; INVALID_ARGUMENT for VF indices beyond sriov_totalvfs. Two selectors
// of one PF merge.
absl::StatusOr<std::vector<ManagedPf>> ResolveSelectors(const std::vector<std::string>& selectors,
                                                        const Inventory& inventory, const SysfsRoot& sysfs);

}  // namespace fta::sriov
