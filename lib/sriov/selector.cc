#include "lib/sriov/selector.h"

#include <algorithm>
#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "lib/core/status_macros.h"
#include "lib/sriov/guid.h"

namespace fta::sriov {
namespace {

// Generous: no SR-IOV device has more VFs than this (PCIe allows 65535 but
// real cards stop at a few hundred); a bigger number is a typo.
constexpr int kMaxVfIndex = 4096;

absl::Status BadSelector(const std::string& text, const std::string& why) {
  return absl::InvalidArgumentError(absl::StrCat("sriov.pfs: \"", text, "\": ", why));
}

}  // namespace

absl::StatusOr<PfSelector> ParseSelector(const std::string& text) {
  PfSelector selector;
  selector.text = text;
  std::vector<std::string> parts = absl::StrSplit(text, absl::MaxSplits('#', 1));
  selector.name = parts[0];
  if (selector.name.empty()) return BadSelector(text, "no device name before '#'");
  if (parts.size() == 1) return selector;
  if (parts[1].empty()) return BadSelector(text, "no VF range after '#' (like mlx5_0#0-7)");
  std::set<int> indices;
  for (const std::string& range : std::vector<std::string>(absl::StrSplit(parts[1], ','))) {
    std::vector<std::string> ends = absl::StrSplit(range, absl::MaxSplits('-', 1));
    int first = 0, last = 0;
    if (!absl::SimpleAtoi(ends[0], &first) || (ends.size() == 2 && !absl::SimpleAtoi(ends[1], &last))) {
      return BadSelector(text, absl::StrCat("\"", range, "\" is not a VF index or range like 0-7"));
    }
    if (ends.size() == 1) last = first;
    if (first < 0 || last < first || last > kMaxVfIndex) {
      return BadSelector(
          text, absl::StrCat("\"", range, "\" is not a valid range (first <= last, 0..", kMaxVfIndex, ")"));
    }
    for (int i = first; i <= last; ++i) indices.insert(i);
  }
  selector.vf_indices = std::move(indices);
  return selector;
}

absl::StatusOr<std::vector<ManagedPf>> ResolveSelectors(const std::vector<std::string>& selectors,
                                                        const Inventory& inventory, const SysfsRoot& sysfs) {
  std::vector<ManagedPf> managed;
  if (selectors.empty()) {
    for (const PhysicalFunction& pf : inventory.pfs) {
      if (pf.error.empty() && pf.num_vfs > 0)
        managed.push_back(ManagedPf{pf.pci.address, std::nullopt, "numvfs > 0"});
    }
    return managed;
  }
  std::map<std::string, ManagedPf> by_address;
  std::vector<std::string> order;
  for (const std::string& text : selectors) {
    FTA_ASSIGN_OR_RETURN(PfSelector selector, ParseSelector(text));
    const PhysicalFunction* match = nullptr;
    for (const PhysicalFunction& pf : inventory.pfs) {
      bool by_ib = pf.pci.ib && pf.pci.ib->name == selector.name;
      bool by_netdev =
          std::find(pf.pci.netdevs.begin(), pf.pci.netdevs.end(), selector.name) != pf.pci.netdevs.end();
      if (pf.pci.address == selector.name || by_ib || by_netdev) match = &pf;
    }
    if (match == nullptr) {
      // A device that exists but has no SR-IOV capability is named as such.
      for (const std::string& candidate : {PciDevicePath(selector.name), "class/infiniband/" + selector.name,
                                           "class/net/" + selector.name}) {
        if (sysfs.Exists(candidate)) {
          return absl::FailedPreconditionError(absl::StrCat(
              "sriov.pfs: \"", text, "\": ", sysfs.Path(candidate),
              " exists but is not an SR-IOV physical function (no ", "sriov_totalvfs on its PCI function)"));
        }
      }
      return absl::NotFoundError(absl::StrCat("sriov.pfs: \"", text, "\": no such PF: neither ",
                                              sysfs.Path(PciDevicePath(selector.name)), " nor ",
                                              sysfs.Path("class/infiniband/" + selector.name), " nor ",
                                              sysfs.Path("class/net/" + selector.name), " exists"));
    }
    if (!match->error.empty()) {
      return absl::FailedPreconditionError(absl::StrCat("sriov.pfs: \"", text, "\": ", match->error));
    }
    if (selector.vf_indices && !selector.vf_indices->empty() &&
        *selector.vf_indices->rbegin() >= match->total_vfs) {
      return absl::InvalidArgumentError(absl::StrCat(
          "sriov.pfs: \"", text, "\": VF ", *selector.vf_indices->rbegin(), " is beyond what PF ",
          match->pci.address, " supports (",
          sysfs.Path(PciDevicePath(match->pci.address) + "/sriov_totalvfs"), " is ", match->total_vfs, ")"));
    }
    auto [it, inserted] =
        by_address.try_emplace(match->pci.address, ManagedPf{match->pci.address, selector.vf_indices, text});
    if (inserted) {
      order.push_back(match->pci.address);
      continue;
    }
    ManagedPf& existing = it->second;
    existing.selected_by = absl::StrCat(existing.selected_by, ", ", text);
    if (!existing.vf_indices || !selector.vf_indices) {
      existing.vf_indices.reset();
    } else {
      existing.vf_indices->insert(selector.vf_indices->begin(), selector.vf_indices->end());
    }
  }
  for (const std::string& address : order) managed.push_back(by_address[address]);
  return managed;
}

}  // namespace fta::sriov
