#include "lib/sriov/configure.h"

#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "lib/core/status_macros.h"
#include "lib/sriov/guid.h"

namespace fta::sriov {
namespace {

std::string PfName(const PhysicalFunction& pf) {
  return pf.pci.ib ? absl::StrCat(pf.pci.address, " (", pf.pci.ib->name, ")") : pf.pci.address;
}

struct NumVfsChange {
  const PhysicalFunction* pf;
  int from;
  int to;
};

std::string NumVfsFile(const PhysicalFunction& pf) { return PciDevicePath(pf.pci.address) + "/sriov_numvfs"; }

// Applies from -> to with the kernel's write-0-first rule.
absl::Status Apply(SysfsRoot& sysfs, const PhysicalFunction& pf, int from, int to) {
  if (from == to) return absl::OkStatus();
  if (from != 0) FTA_RETURN_IF_ERROR(sysfs.Write(NumVfsFile(pf), "0"));
  if (to != 0) FTA_RETURN_IF_ERROR(sysfs.Write(NumVfsFile(pf), absl::StrCat(to)));
  return absl::OkStatus();
}

int CountVirtfnLinks(const SysfsRoot& sysfs, const std::string& address) {
  int links = 0;
  for (const std::string& entry : sysfs.List(PciDevicePath(address))) {
    if (entry.rfind("virtfn", 0) == 0) ++links;
  }
  return links;
}

}  // namespace

std::string Mlx4ModprobeLine(const std::string& pf_address, int num_vfs) {
  return absl::StrCat("options mlx4_core num_vfs=", pf_address, "-", num_vfs, " probe_vf=", pf_address, "-0");
}

absl::StatusOr<std::vector<std::string>> SetNumVfs(SysfsRoot& sysfs, const Inventory& inventory,
                                                   const std::vector<ManagedPf>& managed, int num_vfs,
                                                   absl::Duration settle, const Clock& clock) {
  std::vector<std::string> notes;
  if (num_vfs <= 0) return notes;
  // Check everything before the first write.
  std::vector<NumVfsChange> changes;
  for (const ManagedPf& selected : managed) {
    const PhysicalFunction* pf = inventory.FindPf(selected.address);
    if (pf == nullptr) {
      return absl::NotFoundError(absl::StrCat(
          "PF ", selected.address, ": ", sysfs.Path(PciDevicePath(selected.address)), " does not exist"));
    }
    if (!pf->error.empty()) return absl::FailedPreconditionError(pf->error);
    if (num_vfs > pf->total_vfs) {
      return absl::InvalidArgumentError(absl::StrCat(
          "sriov.num_vfs: ", num_vfs, " VFs is more than PF ", PfName(*pf), " supports: ",
          sysfs.Path(PciDevicePath(pf->pci.address) + "/sriov_totalvfs"), " is ", pf->total_vfs));
    }
    if (selected.vf_indices && !selected.vf_indices->empty() && *selected.vf_indices->rbegin() >= num_vfs) {
      return absl::InvalidArgumentError(absl::StrCat(
          "sriov.pfs: \"", selected.selected_by, "\" selects VF ", *selected.vf_indices->rbegin(),
          " but sriov.num_vfs = ", num_vfs, " gives VFs 0..", num_vfs - 1));
    }
    if (pf->num_vfs == num_vfs) continue;
    if (pf->family == Family::kMlx4) {
      notes.push_back(
          absl::StrCat("PF ", PfName(*pf),
                       " is ConnectX-3 (mlx4): its VF count comes from mlx4_core module parameters, not ",
                       sysfs.Path(NumVfsFile(*pf)), ". It has ", pf->num_vfs, " VFs; for ", num_vfs,
                       " put this line in /etc/modprobe.d/mlx4_core.conf and reload mlx4_core: ",
                       Mlx4ModprobeLine(pf->pci.address, num_vfs)));
      continue;
    }
    if (!sysfs.Exists(NumVfsFile(*pf))) {
      return absl::FailedPreconditionError(
          absl::StrCat("PF ", PfName(*pf), ": ", sysfs.Path(NumVfsFile(*pf)), " does not exist"));
    }
    changes.push_back(NumVfsChange{pf, pf->num_vfs, num_vfs});
  }
  for (size_t i = 0; i < changes.size(); ++i) {
    absl::Status applied = Apply(sysfs, *changes[i].pf, changes[i].from, changes[i].to);
    if (applied.ok()) continue;
    // Undo in reverse so the error leaves the hardware as it was.
    std::vector<std::string> undo_failures;
    for (size_t j = i + 1; j-- > 0;) {
      int current = j == i ? 0 : changes[j].to;
      absl::Status undone = Apply(sysfs, *changes[j].pf, current, changes[j].from);
      if (!undone.ok()) undo_failures.push_back(std::string(undone.message()));
    }
    return absl::Status(applied.code(), absl::StrCat("setting ", changes[i].to, " VFs on PF ",
                                                     PfName(*changes[i].pf), ": ", applied.message(),
                                                     undo_failures.empty()
                                                         ? "; earlier changes were undone"
                                                         : absl::StrCat("; undoing failed too: ",
                                                                        absl::StrJoin(undo_failures, "; "))));
  }
  // Enabling VFs can take the kernel seconds; the links appear when done.
  absl::Time deadline = clock.Now() + settle;
  for (const NumVfsChange& change : changes) {
    while (CountVirtfnLinks(sysfs, change.pf->pci.address) != change.to) {
      if (clock.Now() > deadline) {
        return absl::DeadlineExceededError(absl::StrCat(
            "PF ", PfName(*change.pf), ": wrote ", change.to, " to ", sysfs.Path(NumVfsFile(*change.pf)),
            " but ", CountVirtfnLinks(sysfs, change.pf->pci.address), " virtfn links appeared within ",
            absl::FormatDuration(settle)));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  return notes;
}

absl::StatusOr<std::vector<GuidAssignment>> AssignGuids(SysfsRoot& sysfs, const Inventory& inventory,
                                                        const std::vector<ManagedPf>& managed,
                                                        uint32_t prefix) {
  struct Write {
    std::string file, value;
  };
  // One VF's writes, between an unbind and a bind of its host driver when it
  // has one: the driver reads the GUIDs when it binds.
  struct VfWrites {
    std::string address;
    std::string host_driver;  // "" = not bound to the host driver, no rebind
    std::vector<Write> writes;
  };
  std::vector<GuidAssignment> assignments;
  std::vector<VfWrites> plan;
  std::set<uint64_t> seen;
  for (const ManagedPf& selected : managed) {
    const PhysicalFunction* pf = inventory.FindPf(selected.address);
    if (pf == nullptr || pf->family == Family::kGeneric) continue;
    FTA_ASSIGN_OR_RETURN(PciAddress address, ParsePciAddress(pf->pci.address));
    for (const VirtualFunction& vf : pf->vfs) {
      if (!selected.Includes(vf.index)) continue;
      VfGuids guids = DeriveVfGuids(prefix, address, vf.index);
      if (!seen.insert(guids.node).second || !seen.insert(guids.port).second) {
        return absl::FailedPreconditionError(absl::StrCat(
            "sriov.guid_prefix: VF ", vf.pci.address, " would get GUID ", FormatGuidColons(guids.node),
            " which another managed VF already has (PFs differing only in PCI domain); manage one of them"));
      }
      GuidAssignment assignment{vf.pci.address, guids.node, guids.port, false, ""};
      VfWrites vf_writes{vf.pci.address, "", {}};
      std::vector<Write>& writes = vf_writes.writes;
      if (pf->family == Family::kMlx5) {
        // A VF passed to a guest (vfio-pci) is not touched: unbinding it would
        // pull it from under the guest; it takes the GUIDs at its next reset.
        if (vf.pci.driver == "mlx5_core") vf_writes.host_driver = vf.pci.driver;
        const std::string dir = absl::StrCat(PciDevicePath(pf->pci.address), "/sriov/", vf.index);
        if (!sysfs.Exists(dir + "/node") || !sysfs.Exists(dir + "/port")) {
          return absl::FailedPreconditionError(
              absl::StrCat("VF ", vf.pci.address, ": ", sysfs.Path(dir + "/node"),
                           " does not exist; this mlx5 driver takes VF GUIDs only through netlink (ip link "
                           "set dev <pf> vf ",
                           vf.index, " node_guid ", FormatGuidColons(guids.node), ")"));
        }
        if (vf.node_guid != FormatGuidColons(guids.node)) {
          writes.push_back({dir + "/node", FormatGuidColons(guids.node)});
          assignment.written = true;
        }
        if (vf.port_guid != FormatGuidColons(guids.port)) {
          writes.push_back({dir + "/port", FormatGuidColons(guids.port)});
          assignment.written = true;
        }
      } else {
        if (vf.mlx4_gid_index < 0 || !pf->pci.ib) {
          return absl::FailedPreconditionError(absl::StrCat(
              "VF ", vf.pci.address, ": no GUID index in ",
              sysfs.Path(absl::StrCat("class/infiniband/", pf->pci.ib ? pf->pci.ib->name : "<none>", "/iov/",
                                      vf.pci.address, "/ports/1/gid_idx/0"))));
        }
        // mlx4 VFs have one GUID per port; the port GUID is it.
        assignment.node_guid = guids.port;
        if (vf.port_guid != FormatGuidColons(guids.port)) {
          writes.push_back({absl::StrCat("class/infiniband/", pf->pci.ib->name, "/iov/ports/1/admin_guids/",
                                         vf.mlx4_gid_index),
                            FormatGuidHex(guids.port)});
          assignment.written = true;
        }
      }
      assignments.push_back(assignment);
      if (!writes.empty()) plan.push_back(std::move(vf_writes));
    }
  }
  for (const VfWrites& vf : plan) {
    const std::string driver_dir = absl::StrCat("bus/pci/drivers/", vf.host_driver, "/");
    if (!vf.host_driver.empty()) FTA_RETURN_IF_ERROR(sysfs.Write(driver_dir + "unbind", vf.address));
    absl::Status written = absl::OkStatus();
    for (const Write& write : vf.writes) {
      written = sysfs.Write(write.file, write.value);
      if (!written.ok()) break;
    }
    // Bound again even when a write failed: the VF must not be left without
    // its driver.
    if (!vf.host_driver.empty()) {
      absl::Status bound = sysfs.Write(driver_dir + "bind", vf.address);
      if (written.ok()) written = bound;
    }
    FTA_RETURN_IF_ERROR(written);
  }
  return assignments;
}

std::string GuidAcceptance(const SysfsRoot& sysfs, const PhysicalFunction& pf, const VirtualFunction& vf) {
  if (pf.family == Family::kGeneric) return "-";
  if (vf.port_guid.empty() && vf.node_guid.empty()) return "unset";
  if (pf.family == Family::kMlx4) {
    if (!pf.pci.ib || vf.mlx4_gid_index < 0) return "unverified";
    absl::StatusOr<std::string> live = sysfs.ReadText(
        absl::StrCat("class/infiniband/", pf.pci.ib->name, "/iov/ports/1/gids/", vf.mlx4_gid_index));
    if (!live.ok()) return "unverified";
    absl::StatusOr<uint64_t> live_guid = ParseGuid(*live, "gids");
    absl::StatusOr<uint64_t> wanted = ParseGuid(vf.port_guid, "admin_guids");
    return live_guid.ok() && wanted.ok() && *live_guid == *wanted ? "accepted" : "pending";
  }
  if (!vf.pci.ib) return "unverified";
  absl::StatusOr<uint64_t> live = ParseGuid(vf.pci.ib->node_guid, "node_guid");
  absl::StatusOr<uint64_t> wanted = ParseGuid(vf.node_guid, "node");
  bool port_up = vf.pci.ib->all_ports_active();
  return live.ok() && wanted.ok() && *live == *wanted && port_up ? "accepted" : "pending";
}

}  // namespace fta::sriov
