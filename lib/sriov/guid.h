// InfiniBand GUIDs: parsing the spellings sysfs uses and deriving each VF's
// node and port GUID from a configured prefix.
//
// Derivation (deterministic, so a restart or a rebuilt host gives the same
// GUIDs and the SM's policy keeps matching):
//   bits 63..32  the configured prefix, 4 bytes ("02:c9:fa:00")
//   bits 31..24  the PF's PCI bus
//   bits 23..16  the PF's PCI device (5 bits) and function (3 bits)
//   bits 15..1   the VF index
//   bit  0       0 = node GUID, 1 = port GUID
// Unique per host as long as no two managed PFs share bus/device/function in
// different PCI domains (checked when GUIDs are assigned); hosts of one
// subnet need different prefixes.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace fta::sriov {

// Accepts "xx:xx:xx:xx:xx:xx:xx:xx" (mlx5 sriov/<vf>/node), "xxxx:xxxx:xxxx:xxxx"
// (node_guid), "0x..." (mlx4 admin_guids/gids) and plain hex. `what` names
// the source in the error (a file path or a config key).
absl::StatusOr<uint64_t> ParseGuid(const std::string& text, const std::string& what);

// "02:c9:fa:00:03:00:00:02": the mlx5 sysfs / iproute2 spelling.
std::string FormatGuidColons(uint64_t guid);
// "0x02c9fa0003000002": the mlx4 admin_guids spelling.
std::string FormatGuidHex(uint64_t guid);

// The 4-byte prefix of sriov.guid_prefix ("02:c9:fa:00"); INVALID_ARGUMENT
// naming the key otherwise.
absl::StatusOr<uint32_t> ParseGuidPrefix(const std::string& text);

struct PciAddress {
  int domain = 0, bus = 0, device = 0, function = 0;
};
// "0000:03:00.1"; INVALID_ARGUMENT otherwise.
absl::StatusOr<PciAddress> ParsePciAddress(const std::string& text);
bool LooksLikePciAddress(const std::string& text);

struct VfGuids {
  uint64_t node = 0;
  uint64_t port = 0;
};
VfGuids DeriveVfGuids(uint32_t prefix, const PciAddress& pf, int vf_index);

}  // namespace fta::sriov
