#include "lib/sriov/pkeys.h"

#include <map>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "lib/core/status_macros.h"

namespace fta::sriov {
namespace {

constexpr uint16_t kFullMember = 0x8000;
constexpr int kMlx4PkeyTableSize = 127;  // iov/ports/<p>/pkeys/0..126

std::string Membership(uint16_t pkey) { return (pkey & kFullMember) != 0 ? "full member" : "limited member"; }

struct Write {
  std::string file, value;
};

// Plans the pkey_idx writes of one mlx4 PF; nothing is written here.
absl::StatusOr<std::string> PlanMlx4(const SysfsRoot& sysfs, const PhysicalFunction& pf, const ManagedPf& selected,
                                     const std::vector<uint16_t>& pkeys, std::vector<Write>* writes) {
  const std::string device = pf.pci.ib->name;
  const std::string table = absl::StrCat("class/infiniband/", device, "/iov/ports/1/pkeys/");
  std::map<uint16_t, int> index_of;  // first physical index holding each P_Key
  for (int m = 0; m < kMlx4PkeyTableSize; ++m) {
    FTA_ASSIGN_OR_RETURN(int64_t value, sysfs.ReadHex(absl::StrCat(table, m)));
    index_of.emplace(static_cast<uint16_t>(value), m);
  }
  std::vector<int> physical;
  for (uint16_t pkey : pkeys) {
    auto found = index_of.find(pkey);
    if (found != index_of.end()) {
      physical.push_back(found->second);
      continue;
    }
    auto other = index_of.find(static_cast<uint16_t>(pkey ^ kFullMember));
    if (other != index_of.end()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "sriov.pkeys: ", device, " port 1 is a ", Membership(other->first), " of partition ",
          FormatPkey(other->first), " (", sysfs.Path(absl::StrCat(table, other->second)), "), but ",
          FormatPkey(pkey), " (", Membership(pkey), ") was configured; change the port's membership in the "
          "subnet manager's partitions.conf or configure ", FormatPkey(other->first)));
    }
    return absl::FailedPreconditionError(
        absl::StrCat("sriov.pkeys: ", FormatPkey(pkey), " is not in ", device, " port 1's P_Key table (",
                     sysfs.Path(absl::StrCat(table, "0..", kMlx4PkeyTableSize - 1)),
                     "); add this port to the partition in the subnet manager's partitions.conf first"));
  }
  int vfs = 0, changed = 0;
  for (const VirtualFunction& vf : pf.vfs) {
    if (!selected.Includes(vf.index)) continue;
    ++vfs;
    for (size_t n = 0; n < physical.size(); ++n) {
      const std::string file =
          absl::StrCat("class/infiniband/", device, "/iov/", vf.pci.address, "/ports/1/pkey_idx/", n);
      absl::StatusOr<int64_t> current = sysfs.ReadInt(file);
      if (absl::IsNotFound(current.status())) {
        return absl::FailedPreconditionError(
            absl::StrCat("VF ", vf.pci.address, ": ", sysfs.Path(file), " does not exist; this mlx4 driver has no ",
                         "virtual P_Key index ", n, " (configure fewer sriov.pkeys)"));
      }
      if (!current.ok()) return current.status();
      if (*current == physical[n]) continue;
      writes->push_back({file, absl::StrCat(physical[n])});
      ++changed;
    }
  }
  std::vector<std::string> named;
  for (uint16_t pkey : pkeys) named.push_back(FormatPkey(pkey));
  return absl::StrCat("P_Keys ", absl::StrJoin(named, ", "), " on ", device, ": ", vfs, " VF(s), ", changed,
                      " index(es) changed");
}

// mlx5: the SM's business; check what can be checked.
std::string CheckMlx5(const SysfsRoot& sysfs, const PhysicalFunction& pf, const ManagedPf& selected,
                      const std::vector<uint16_t>& pkeys) {
  int complete = 0, unchecked = 0;
  std::vector<std::string> lacking;
  for (const VirtualFunction& vf : pf.vfs) {
    if (!selected.Includes(vf.index)) continue;
    if (!vf.pci.ib) {
      ++unchecked;
      continue;
    }
    const std::string dir = absl::StrCat("class/infiniband/", vf.pci.ib->name, "/ports/1/pkeys/");
    std::set<uint16_t> present;
    for (const std::string& entry : sysfs.List(dir)) {
      absl::StatusOr<int64_t> value = sysfs.ReadHex(dir + entry);
      if (value.ok()) present.insert(static_cast<uint16_t>(*value));
    }
    std::vector<std::string> missing;
    for (uint16_t pkey : pkeys) {
      if (present.count(pkey) == 0) missing.push_back(FormatPkey(pkey));
    }
    if (missing.empty()) {
      ++complete;
    } else {
      lacking.push_back(absl::StrCat(vf.pci.address, " lacks ", absl::StrJoin(missing, ", ")));
    }
  }
  std::string note = absl::StrCat(pf.pci.ib ? pf.pci.ib->name : pf.pci.address,
                                  ": VF P_Keys come from the subnet manager (partitions.conf, by each VF's port "
                                  "GUID); ",
                                  complete, " VF(s) have all configured P_Keys, ", lacking.size(),
                                  " lack some, ", unchecked, " not bound on the host (checked in the guest)");
  if (!lacking.empty()) absl::StrAppend(&note, ": ", lacking.front(), lacking.size() > 1 ? ", ..." : "");
  return note;
}

}  // namespace

std::string FormatPkey(uint16_t pkey) { return absl::StrFormat("0x%04x", pkey); }

absl::StatusOr<std::vector<uint16_t>> ParsePkeys(const std::vector<std::string>& texts) {
  std::vector<uint16_t> pkeys;
  std::map<uint16_t, size_t> partitions;  // low 15 bits -> position
  for (size_t i = 0; i < texts.size(); ++i) {
    std::string text(absl::StripAsciiWhitespace(texts[i]));
    std::string digits = absl::StartsWithIgnoreCase(text, "0x") ? text.substr(2) : text;
    uint32_t value = 0;
    if (digits.empty() || digits.size() > 4 || !absl::SimpleHexAtoi(digits, &value)) {
      return absl::InvalidArgumentError(
          absl::StrCat("sriov.pkeys[", i, "]: \"", texts[i], "\" is not a 16-bit hex P_Key like \"0x8001\""));
    }
    uint16_t pkey = static_cast<uint16_t>(value);
    uint16_t partition = pkey & 0x7fff;
    if (partition == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("sriov.pkeys[", i, "]: ", FormatPkey(pkey), " is the invalid P_Key (partition 0)"));
    }
    auto [previous, inserted] = partitions.emplace(partition, i);
    if (!inserted) {
      return absl::InvalidArgumentError(absl::StrCat("sriov.pkeys[", i, "]: partition ", FormatPkey(partition),
                                                     " is already listed at sriov.pkeys[", previous->second, "]"));
    }
    pkeys.push_back(pkey);
  }
  return pkeys;
}

absl::StatusOr<std::vector<std::string>> AssignPkeys(SysfsRoot& sysfs, const Inventory& inventory,
                                                     const std::vector<ManagedPf>& managed,
                                                     const std::vector<uint16_t>& pkeys) {
  std::vector<std::string> notes;
  if (pkeys.empty()) return notes;
  std::vector<Write> writes;
  for (const ManagedPf& selected : managed) {
    const PhysicalFunction* pf = inventory.FindPf(selected.address);
    if (pf == nullptr) continue;
    switch (pf->family) {
      case Family::kMlx4: {
        if (!pf->pci.ib) {
          return absl::FailedPreconditionError(
              absl::StrCat("sriov.pkeys: mlx4 PF ", pf->pci.address, " has no IB device, so no P_Key table"));
        }
        FTA_ASSIGN_OR_RETURN(std::string note, PlanMlx4(sysfs, *pf, selected, pkeys, &writes));
        notes.push_back(std::move(note));
        break;
      }
      case Family::kMlx5:
        notes.push_back(CheckMlx5(sysfs, *pf, selected, pkeys));
        break;
      case Family::kGeneric:
        notes.push_back(absl::StrCat(pf->pci.address, ": not an InfiniBand PF, sriov.pkeys does not apply"));
        break;
    }
  }
  // Every PF was checked before the first write.
  for (const Write& write : writes) FTA_RETURN_IF_ERROR(sysfs.Write(write.file, write.value));
  return notes;
}

}  // namespace fta::sriov
