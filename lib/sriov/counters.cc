#include "lib/sriov/counters.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "lib/core/status_macros.h"

namespace fta::sriov {
namespace {

// The PMA's 32-bit PortXmitData/PortRcvData stop at this many words.
constexpr int64_t kSaturated32 = 0xFFFFFFFFll;

}  // namespace

absl::StatusOr<PortTraffic> ReadPortTraffic(const SysfsRoot& sysfs, const std::string& ib_device, int port,
                                            const Clock& clock) {
  const std::string port_dir = absl::StrCat("class/infiniband/", ib_device, "/ports/", port);
  PortTraffic traffic;
  // mlx4 keeps 64-bit copies in counters_ext; prefer them when present.
  const std::string ext = port_dir + "/counters_ext/";
  if (sysfs.Exists(ext + "port_xmit_data_64") && sysfs.Exists(ext + "port_rcv_data_64")) {
    FTA_ASSIGN_OR_RETURN(int64_t xmit_words, sysfs.ReadInt(ext + "port_xmit_data_64"));
    FTA_ASSIGN_OR_RETURN(int64_t rcv_words, sysfs.ReadInt(ext + "port_rcv_data_64"));
    traffic.xmit_bytes = xmit_words * 4;
    traffic.rcv_bytes = rcv_words * 4;
  } else {
    const std::string dir = port_dir + "/counters/";
    FTA_ASSIGN_OR_RETURN(int64_t xmit_words, sysfs.ReadInt(dir + "port_xmit_data"));
    FTA_ASSIGN_OR_RETURN(int64_t rcv_words, sysfs.ReadInt(dir + "port_rcv_data"));
    traffic.xmit_bytes = xmit_words * 4;
    traffic.rcv_bytes = rcv_words * 4;
    traffic.saturated = xmit_words == kSaturated32 || rcv_words == kSaturated32;
  }
  traffic.unix_nanos = clock.NowUnixNanos();
  return traffic;
}

double UtilisationPercent(const PortTraffic& before, const PortTraffic& after, double rate_gbps) {
  double seconds = static_cast<double>(after.unix_nanos - before.unix_nanos) / 1e9;
  if (seconds <= 0 || rate_gbps <= 0) return 0;
  int64_t xmit = std::max<int64_t>(0, after.xmit_bytes - before.xmit_bytes);
  int64_t rcv = std::max<int64_t>(0, after.rcv_bytes - before.rcv_bytes);
  double bits_per_second = static_cast<double>(std::max(xmit, rcv)) * 8 / seconds;
  return 100.0 * bits_per_second / (rate_gbps * 1e9);
}

}  // namespace fta::sriov
