// P_Key membership of the managed VFs (sriov.pkeys): which InfiniBand
// partitions an FTA's VF is in.
//
//   FTA_ASSIGN_OR_RETURN(std::vector<uint16_t> pkeys, ParsePkeys({"0x8001", "0x7fff"}));
//   FTA_ASSIGN_OR_RETURN(std::vector<std::string> notes, AssignPkeys(sysfs, inventory, managed, pkeys));
//
// mlx4 (ConnectX-3): the PF's paravirtualised table
// class/infiniband/<dev>/iov/ports/1/pkeys/<m> (0..126) holds the port's
// P_Keys as the subnet manager set them; each VF maps its virtual index n to
// a physical one in iov/<VF BDF>/ports/1/pkey_idx/<n>. Virtual index i of
// every managed VF is pointed at configured P_Key i. A configured P_Key the
// port does not have is refused before anything is written: the partition
// has to be added for the port in the SM first.
// mlx5: the SM assigns VF P_Keys by the VF's port GUID (partitions.conf);
// the host has no interface for them, so hostd only checks membership where
// a VF has a host IB device (ports/1/pkeys/<n>) and says how many it could
// not check. Generic devices have no P_Keys.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/sriov/discovery.h"
#include "lib/sriov/selector.h"
#include "lib/sriov/sysfs.h"

namespace fta::sriov {

// "0x8001" / "8001" -> 0x8001. INVALID_ARGUMENT naming sriov.pkeys[i]:
// not 16-bit hex, the invalid P_Key (0x0000/0x8000: partition 0), or a
// partition listed twice (whatever its membership bit).
absl::StatusOr<std::vector<uint16_t>> ParsePkeys(const std::vector<std::string>& texts);

std::string FormatPkey(uint16_t pkey);  // "0x8001"

// Applies `pkeys` to every managed VF (see above); one note per PF saying
// what was done or checked. Empty `pkeys` does nothing.
absl::StatusOr<std::vector<std::string>> AssignPkeys(SysfsRoot& sysfs, const Inventory& inventory,
                                                     const std::vector<ManagedPf>& managed,
                                                     const std::vector<uint16_t>& pkeys);

}  // namespace fta::sriov
