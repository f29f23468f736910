#include "lib/sweeps/sweep_snapshot.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <filesystem>
#include <set>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "lib/core/file_text.h"
#include "lib/fleet/fta_kinds.h"

namespace fta::hostd {
namespace {

// "mlx5_0/1: 100 Gb/sec (4X EDR)" for the PF's first port with a rate,
// as IbLinkRate spells it; "" when the PF has no IB device.
std::string PfLinkRate(const sriov::PhysicalFunction& pf) {
  const sriov::IbPort* port = pf.pci.ib ? pf.pci.ib->first_rated_port() : nullptr;
  return port ? absl::StrCat(pf.pci.ib->name, "/", port->number, ": ", port->rate) : "";
}

}  // namespace

std::string Fnv1a64Hex(const std::string& text) {
  uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  return absl::StrFormat("%016x", hash);
}

std::string CpuModelFromCpuinfo(const std::string& cpuinfo_text) {
  for (absl::string_view line : absl::StrSplit(cpuinfo_text, '\n')) {
    if (!absl::StartsWith(line, "model name")) continue;
    size_t colon = line.find(':');
    if (colon == absl::string_view::npos) continue;
    return std::string(absl::StripAsciiWhitespace(line.substr(colon + 1)));
  }
  return "";
}

std::string IbLinkRate(const std::string& sysfs_root) {
  std::error_code error;
  std::filesystem::path devices = std::filesystem::path(sysfs_root) / "class/infiniband";
  std::set<std::string> found;  // sorted, so the answer is stable
  for (const auto& device : std::filesystem::directory_iterator(devices, error)) {
    std::error_code port_error;
    for (const auto& port : std::filesystem::directory_iterator(device.path() / "ports", port_error)) {
      std::string rate(absl::StripAsciiWhitespace(ReadFileOrEmpty((port.path() / "rate").string())));
      if (!rate.empty()) {
        found.insert(absl::StrCat(device.path().filename().string(), "/", port.path().filename().string(), ": ", rate));
      }
    }
  }
  return found.empty() ? "" : *found.begin();
}

fta::v1::RunSnapshot DescribeHost(const HostdConfig& config) {
  fta::v1::RunSnapshot snapshot;
  snapshot.set_backend(BackendOf(config.backend));
  snapshot.set_cpu_model(CpuModelFromCpuinfo(ReadFileOrEmpty("/proc/cpuinfo")));
  snapshot.set_cpu_count(static_cast<int32_t>(std::thread::hardware_concurrency()));
  snapshot.set_memory_bytes(static_cast<int64_t>(sysconf(_SC_PHYS_PAGES)) * sysconf(_SC_PAGESIZE));
  struct utsname name;
  if (uname(&name) == 0) {
    snapshot.set_kernel(absl::StrCat(name.sysname, " ", name.release, " ", name.version, " ", name.machine));
    snapshot.set_hostname(name.nodename);
  }
  snapshot.set_ib_link_rate(IbLinkRate(config.sysfs_root));
  snapshot.set_config_hash(Fnv1a64Hex(ToToml(config)));
  return snapshot;
}

fta::v1::RunSnapshot SnapshotForRun(const fta::v1::RunSnapshot& host, const std::vector<fta::v1::Fta>& ftas,
                                    fta::v1::Engine engine, const sriov::Inventory* inventory) {
  fta::v1::RunSnapshot snapshot = host;
  // On a host with several kinds the run's FTAs say which one it measured.
  for (const fta::v1::Fta& fta : ftas) {
    if (IsAllocatedKind(fta.kind()) && fta.backend() != fta::v1::BACKEND_UNSPECIFIED) snapshot.set_backend(fta.backend());
  }
  std::set<std::string> versions;
  std::set<std::string> pfs, rates;  // sorted and unique: stable text
  for (const fta::v1::Fta& fta : ftas) {
    if (!fta.vf().empty()) snapshot.add_vfs(fta.vf());
    if (inventory != nullptr && !fta.vf().empty()) {
      auto [pf, vf] = inventory->FindVf(fta.vf());
      if (pf != nullptr) {
        pfs.insert(pf->pci.ib ? absl::StrCat(pf->pci.address, " (", pf->pci.ib->name, ")") : pf->pci.address);
        std::string rate = PfLinkRate(*pf);
        if (!rate.empty()) rates.insert(rate);
      }
    }
    const bool ior = engine == fta::v1::ENGINE_IOR;
    std::string version = ior ? fta.ior_version() : fta.agent_version();
    if (!version.empty()) versions.insert(ior ? version : absl::StrCat("fta-agent ", version));
  }
  if (!pfs.empty()) snapshot.set_pf(absl::StrJoin(pfs, ", "));
  if (!rates.empty()) snapshot.set_ib_link_rate(absl::StrJoin(rates, ", "));
  snapshot.set_engine(engine);
  snapshot.set_engine_version(absl::StrJoin(versions, ", "));
  return snapshot;
}

}  // namespace fta::hostd
