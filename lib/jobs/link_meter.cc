#include "lib/jobs/link_meter.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lib/core/units.h"

namespace fta::hostd {
namespace {

// Below this share of the agents' bytes the counters disagree.
constexpr double kCrossCheckFloor = 0.9;

int64_t Delta(int64_t before, int64_t after) { return std::max<int64_t>(0, after - before); }

}  // namespace

std::vector<MeteredPort> PortsBehind(const sriov::Inventory& inventory,
                                     const std::map<std::string, std::string>& vf_by_fta) {
  std::map<std::string, MeteredPort> by_pf;
  for (const auto& [fta_id, vf_address] : vf_by_fta) {
    if (vf_address.empty()) continue;
    auto [pf, vf] = inventory.FindVf(vf_address);
    if (pf == nullptr || !pf->pci.ib) continue;
    auto found = by_pf.find(pf->pci.address);
    if (found == by_pf.end()) {
      const sriov::IbPort* rated = pf->pci.ib->first_rated_port();
      if (rated == nullptr) continue;
      MeteredPort metered;
      metered.pf = pf->pci.address;
      metered.ib_device = pf->pci.ib->name;
      metered.port = rated->number;
      metered.rate_gbps = rated->rate_gbps;
      found = by_pf.emplace(pf->pci.address, metered).first;
    }
    found->second.fta_ids.insert(fta_id);
  }
  std::vector<MeteredPort> ports;
  for (auto& [pf, port] : by_pf) ports.push_back(std::move(port));
  return ports;
}

std::string CrossCheck(fta::v1::Phase phase, int64_t direction_bytes, int64_t agent_bytes) {
  if (static_cast<double>(direction_bytes) >= kCrossCheckFloor * static_cast<double>(agent_bytes)) return "ok";
  const bool write = phase == fta::v1::PHASE_WRITE;
  return absl::StrCat("the port ", write ? "sent " : "received ", HumanBytes(direction_bytes),
                      " while the agents reported ", HumanBytes(agent_bytes),
                      ": the data did not all cross this port (page cache, a local file system or another "
                      "path",
                      write ? "; buffered writes may still be in the client cache: use -e" : "", ")");
}

LinkMeter::LinkMeter(const sriov::SysfsRoot* sysfs, const Clock* clock, std::vector<MeteredPort> ports)
    : sysfs_(sysfs),
      clock_(clock),
      ports_(std::move(ports)),
      start_(ports_.size()),
      last_(ports_.size()),
      errors_(ports_.size()) {}

absl::StatusOr<sriov::PortTraffic> LinkMeter::Read(const MeteredPort& port) const {
  return sriov::ReadPortTraffic(*sysfs_, port.ib_device, port.port, *clock_);
}

void LinkMeter::StartPhase() {
  for (size_t i = 0; i < ports_.size(); ++i) {
    absl::StatusOr<sriov::PortTraffic> traffic = Read(ports_[i]);
    errors_[i].clear();
    start_[i].reset();
    last_[i].reset();
    if (!traffic.ok()) {
      errors_[i] = std::string(traffic.status().message());
      continue;
    }
    start_[i] = *traffic;
    last_[i] = *traffic;
  }
}

double LinkMeter::Sample() {
  double busiest = -1;
  for (size_t i = 0; i < ports_.size(); ++i) {
    if (!last_[i]) continue;
    absl::StatusOr<sriov::PortTraffic> traffic = Read(ports_[i]);
    if (!traffic.ok()) continue;
    busiest = std::max(busiest, sriov::UtilisationPercent(*last_[i], *traffic, ports_[i].rate_gbps));
    last_[i] = *traffic;
  }
  return busiest;
}

std::vector<fta::v1::LinkUsage> LinkMeter::FinishPhase(fta::v1::Phase phase,
                                                       const std::map<std::string, int64_t>& bytes_by_fta) {
  std::vector<fta::v1::LinkUsage> links;
  for (size_t i = 0; i < ports_.size(); ++i) {
    const MeteredPort& port = ports_[i];
    fta::v1::LinkUsage link;
    link.set_pf(port.pf);
    link.set_ib_port(absl::StrCat(port.ib_device, "/", port.port));
    link.set_rate_gbps(port.rate_gbps);
    link.set_ftas(static_cast<int32_t>(port.fta_ids.size()));
    int64_t agent_bytes = 0;
    for (const std::string& fta_id : port.fta_ids) {
      auto found = bytes_by_fta.find(fta_id);
      if (found != bytes_by_fta.end()) agent_bytes += found->second;
    }
    link.set_agent_bytes(agent_bytes);
    absl::StatusOr<sriov::PortTraffic> end =
        start_[i] ? Read(port) : absl::StatusOr<sriov::PortTraffic>(absl::UnavailableError(errors_[i]));
    if (!end.ok()) {
      link.set_error(std::string(end.status().message()));
      links.push_back(std::move(link));
      continue;
    }
    const sriov::PortTraffic& begin = *start_[i];
    link.set_xmit_bytes(Delta(begin.xmit_bytes, end->xmit_bytes));
    link.set_rcv_bytes(Delta(begin.rcv_bytes, end->rcv_bytes));
    link.set_seconds(static_cast<double>(end->unix_nanos - begin.unix_nanos) / 1e9);
    link.set_utilisation_pct(sriov::UtilisationPercent(begin, *end, port.rate_gbps));
    if (end->saturated) {
      link.set_check(
          "the port's 32-bit data counters are saturated, so they cannot tell; reset them (perfquery -R) or "
          "use a driver with 64-bit counters");
    } else {
      link.set_check(CrossCheck(phase, phase == fta::v1::PHASE_WRITE ? link.xmit_bytes() : link.rcv_bytes(),
                                agent_bytes));
    }
    links.push_back(std::move(link));
  }
  return links;
}

}  // namespace fta::hostd
