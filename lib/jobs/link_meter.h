// Meters the IB ports a job's traffic should cross (the PFs behind its FTAs'
// VFs) over each phase, from the ports' data counters: link utilisation live
// and per phase, and a cross-check of the bytes the agents report against
// what actually crossed the card.
//
//   std::vector<MeteredPort> ports = PortsBehind(inventory, {{"fta-1", "0000:03:00.1"}});
//   LinkMeter meter(&sysfs, &clock, ports);
//   meter.StartPhase();                       // when GO is sent
//   double busiest = meter.Sample();          // with each progress event
//   auto links = meter.FinishPhase(fta::v1::PHASE_WRITE, bytes_by_fta);
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "fta/v1/common.pb.h"
#include "lib/core/clock.h"
#include "lib/sriov/counters.h"
#include "lib/sriov/discovery.h"
#include "lib/sriov/sysfs.h"

namespace fta::hostd {

struct MeteredPort {
  std::string pf;         // PCI address
  std::string ib_device;  // "mlx5_0"
  int port = 1;
  double rate_gbps = 0;
  std::set<std::string> fta_ids;  // the job's FTAs whose VF is on this PF
};

// One port per PF behind `vf_by_fta` (FTA id -> VF address; FTAs without a
// VF, or whose VF is not in the inventory, are left out): the PF's first IB
// port with a rate. PFs without an IB device have nothing to meter.
std::vector<MeteredPort> PortsBehind(const sriov::Inventory& inventory,
                                     const std::map<std::string, std::string>& vf_by_fta);

// "ok" when `direction_bytes` (xmit for writes, rcv for reads) is at least
// 90% of `agent_bytes`; otherwise a sentence saying what disagrees and the
// likely reasons. Headers and other tenants only add bytes, so only a
// shortfall is suspicious.
std::string CrossCheck(fta::v1::Phase phase, int64_t direction_bytes, int64_t agent_bytes);

class LinkMeter {
 public:
  // Nothing is owned.
  LinkMeter(const sriov::SysfsRoot* sysfs, const Clock* clock, std::vector<MeteredPort> ports);

  const std::vector<MeteredPort>& ports() const { return ports_; }

  // Reads every port's counters: the phase's baseline.
  void StartPhase();
  // Busiest port's utilisation (% of its rate) since the previous Sample or
  // StartPhase; -1 when no port could be read.
  double Sample();
  // One LinkUsage per port over the phase. `bytes_by_fta`: what each FTA's
  // agent reported moving in the phase.
  std::vector<fta::v1::LinkUsage> FinishPhase(fta::v1::Phase phase,
                                              const std::map<std::string, int64_t>& bytes_by_fta);

 private:
  absl::StatusOr<sriov::PortTraffic> Read(const MeteredPort& port) const;

  const sriov::SysfsRoot* sysfs_;
  const Clock* clock_;
  std::vector<MeteredPort> ports_;
  // Per port: the phase baseline, the last sample, the first read error.
  std::vector<std::optional<sriov::PortTraffic>> start_, last_;
  std::vector<std::string> errors_;
};

}  // namespace fta::hostd
