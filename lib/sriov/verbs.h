// Live port attributes from libibverbs (rdma-core): the driver's own view
// of each RDMA port, next to what sysfs says. On a host without RDMA
// devices (or without the kernel modules) the list is simply empty.
//
//   FTA_ASSIGN_OR_RETURN(std::vector<VerbsPort> ports, ReadVerbsPorts());
//   for (const VerbsPort& port : ports) ... port.device, port.port, port.state
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace fta::sriov {

struct VerbsPort {
  std::string device;      // "mlx5_0"
  int port = 1;
  std::string state;       // "ACTIVE", "DOWN", "INIT", "ARMED" (as sysfs spells them)
  std::string link_layer;  // "InfiniBand" | "Ethernet"
  int lid = 0;
  double rate_gbps = 0;    // lanes x per-lane data rate; 0 when unknown
  std::string rate;        // "100 Gb/sec (4X EDR)", "" when unknown
};

// Every port of every device ibv_get_device_list() returns. A device that
// cannot be opened or queried is an error naming it (a port that exists in
// sysfs but not here is what an operator needs to hear about).
absl::StatusOr<std::vector<VerbsPort>> ReadVerbsPorts();

// ibv_port_attr's active_width / active_speed codes as the kernel's sysfs
// rate text: (2, 32) -> 100, "100 Gb/sec (4X EDR)". 0 and "" for codes
// this table does not know.
double VerbsRateGbps(uint8_t active_width, uint8_t active_speed);
std::string VerbsRateText(uint8_t active_width, uint8_t active_speed);

}  // namespace fta::sriov
