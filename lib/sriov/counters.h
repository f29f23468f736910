// Link utilisation from an IB port's data counters: how much of the port's
// rate the traffic between two readings used. The counters let hostd
// cross-check the bytes agents report against what crossed the card.
//
//   FTA_ASSIGN_OR_RETURN(PortTraffic before, ReadPortTraffic(sysfs, "mlx5_0", 1));
//   ... job runs ...
//   FTA_ASSIGN_OR_RETURN(PortTraffic after, ReadPortTraffic(sysfs, "mlx5_0", 1));
//   double percent = UtilisationPercent(before, after, rate_gbps);
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "lib/core/clock.h"
#include "lib/sriov/sysfs.h"

namespace fta::sriov {

struct PortTraffic {
  // counters/port_xmit_data * 4 (the counter counts 4-byte words), or
  // mlx4's 64-bit counters_ext/port_xmit_data_64 when present.
  int64_t xmit_bytes = 0;
  int64_t rcv_bytes = 0;
  int64_t unix_nanos = 0;  // when read
  // A 32-bit counter stuck at its maximum: deltas from it mean nothing.
  bool saturated = false;
};

// NOT_FOUND / INVALID_ARGUMENT naming the counter file.
absl::StatusOr<PortTraffic> ReadPortTraffic(const SysfsRoot& sysfs, const std::string& ib_device, int port,
                                            const Clock& clock);

// max(xmit, rcv) bytes per second over the interval as a percentage of
// `rate_gbps` (10^9 bit/s). 0 when the interval is empty or the rate unknown;
// a counter that went backwards (reset, 32-bit wrap) counts as 0 bytes.
double UtilisationPercent(const PortTraffic& before, const PortTraffic& after, double rate_gbps);

}  // namespace fta::sriov
