#include "lib/virt/libvirt_provisioner.h"

#include <libvirt/libvirt.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "lib/core/file_text.h"
#include "lib/core/run_tool.h"
#include "lib/core/status_macros.h"
#include "lib/virt/libvirt_error.h"
#include "lib/virt/seed_iso.h"
#include "spdlog/spdlog.h"

namespace fta::virt {
namespace {

// Frees a virDomainPtr at scope end.
struct DomainHandle {
  virDomainPtr domain = nullptr;
  ~DomainHandle() {
    if (domain) virDomainFree(domain);
  }
};
// Drops a connection reference at scope end.
struct ConnectionRef {
  virConnectPtr connection = nullptr;
  ~ConnectionRef() {
    if (connection) virConnectClose(connection);
  }
};

}  // namespace

std::string LibvirtProvisioner::OverlayPath(const std::string& fta_id) const {
  return absl::StrCat(options_.image_dir, "/", fta_id, ".qcow2");
}

std::string LibvirtProvisioner::ConsoleLogPath(const std::string& fta_id) const {
  return absl::StrCat(options_.log_dir, "/", fta_id, ".console.log");
}

std::string LibvirtProvisioner::SeedIsoPath(const std::string& fta_id) const {
  return absl::StrCat(options_.image_dir, "/", fta_id, ".seed.iso");
}

absl::StatusOr<std::string> LibvirtProvisioner::DomainXmlFor(const FtaLaunchSpec& spec,
                                                             const std::vector<int>& cores) const {
  FTA_ASSIGN_OR_RETURN(DomainPlan plan, PlanFor(spec, cores));
  return BuildDomainXml(options_.guest, plan);
}

absl::StatusOr<DomainPlan> LibvirtProvisioner::PlanFor(const FtaLaunchSpec& spec, const std::vector<int>& cores) const {
  DomainPlan plan;
  plan.domain_name = DomainName(spec.fta_id);
  plan.fta_id = spec.fta_id;
  plan.owner = options_.owner;
  plan.overlay_path = OverlayPath(spec.fta_id);
  plan.console_log = ConsoleLogPath(spec.fta_id);
  plan.host_cores = cores;
  plan.vf_pci_address = spec.vf_pci_address;
  plan.agent_endpoint = options_.guest_agent_endpoint.empty() ? spec.agent_endpoint : options_.guest_agent_endpoint;
  if (!spec.vf_pci_address.empty()) {
    // Memory next to the card: the VF's NUMA node (-1 when the platform
    // does not say).
    std::string numa = ReadFileOrEmpty(
        absl::StrCat(options_.sysfs_root, "/bus/pci/devices/", spec.vf_pci_address, "/numa_node"));
    int node = -1;
    if (absl::SimpleAtoi(absl::StripAsciiWhitespace(numa), &node)) plan.numa_node = node;
  }
  if (!options_.guest.base_image.empty() || !spec.credentials_dir.empty()) plan.seed_iso_path = SeedIsoPath(spec.fta_id);
  return plan;
}

absl::Status LibvirtProvisioner::CreateOverlay(const std::string& path) const {
  std::vector<std::string> args = {options_.qemu_img, "create", "-q", "-f", "qcow2"};
  if (!options_.guest.base_image.empty()) {
    args.insert(args.end(), {"-b", options_.guest.base_image, "-F", options_.guest.base_image_format});
  }
  args.push_back(path);
  args.push_back(absl::StrCat(options_.guest.disk_gib, "G"));
  FTA_ASSIGN_OR_RETURN(ToolResult result, RunTool(args));
  if (result.exit_code != 0) {
    return absl::InternalError(
        absl::StrCat("qemu-img create ", path, " failed: ", absl::StripAsciiWhitespace(result.output)));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> LibvirtProvisioner::PrepareDomain(const FtaLaunchSpec& spec,
                                                              const std::vector<int>& cores) {
  if (options_.flavor) return options_.flavor->Prepare(spec, DomainName(spec.fta_id), cores);
  FTA_ASSIGN_OR_RETURN(DomainPlan plan, PlanFor(spec, cores));
  FTA_ASSIGN_OR_RETURN(std::string xml, BuildDomainXml(options_.guest, plan));
  FTA_RETURN_IF_ERROR(CreateOverlay(OverlayPath(spec.fta_id)));
  if (!plan.seed_iso_path.empty()) {
    SeedCredentials credentials;
    if (!spec.credentials_dir.empty()) {
      FTA_ASSIGN_OR_RETURN(credentials, ReadSeedCredentials(spec.credentials_dir));
    }
    NoCloudSeed contents = MakeNoCloudSeed(spec.fta_id, plan.agent_endpoint, credentials);
    FTA_RETURN_IF_ERROR(WriteSeedIso(contents, plan.seed_iso_path));
  }
  return xml;
}

absl::Status LibvirtProvisioner::RemoveDomainFiles(const std::string& fta_id) {
  if (options_.flavor) return options_.flavor->Cleanup(fta_id);
  for (const std::string& file : {OverlayPath(fta_id), SeedIsoPath(fta_id)}) {
    if (unlink(file.c_str()) != 0 && errno != ENOENT) {
      return absl::InternalError(absl::StrCat(fta_id, ": removing ", file, ": ", std::strerror(errno)));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<FtaInstance> LibvirtProvisioner::Start(const FtaLaunchSpec& spec) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (guests_.count(spec.fta_id) > 0) {
      return absl::AlreadyExistsError(absl::StrCat(spec.fta_id, " is already running"));
    }
  }
  std::vector<int> cores;
  if (options_.planner) {
    FTA_ASSIGN_OR_RETURN(cores, options_.planner->AssignCores(spec.fta_id));
  }
  auto undo = [&](absl::Status failure) {
    (void)RemoveDomainFiles(spec.fta_id);
    if (options_.planner) options_.planner->ReleaseCores(spec.fta_id);
    std::lock_guard<std::mutex> lock(mu_);
    guests_.erase(spec.fta_id);
    return failure;
  };
  absl::StatusOr<virConnectPtr> connection = Connection();
  if (!connection.ok()) return undo(connection.status());
  ConnectionRef ref{*connection};
  absl::StatusOr<std::string> xml = PrepareDomain(spec, cores);
  if (!xml.ok()) return undo(xml.status());

  DomainHandle domain{virDomainDefineXML(ref.connection, xml->c_str())};
  if (!domain.domain) {
    return undo(absl::InternalError(absl::StrCat(spec.fta_id, ": defining the domain failed: ", LastLibvirtError())));
  }
  {
    // Watched from before it runs, so a guest dying at once is reported.
    std::lock_guard<std::mutex> lock(mu_);
    guests_[spec.fta_id] = false;
  }
  if (virDomainCreate(domain.domain) < 0) {
    std::string error = LastLibvirtError();
    virDomainUndefine(domain.domain);
    return undo(absl::InternalError(absl::StrCat(spec.fta_id, ": starting the guest failed: ", error)));
  }
  if (options_.flavor) {
    if (absl::Status checked = options_.flavor->Started(spec.fta_id, domain.domain); !checked.ok()) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        guests_[spec.fta_id] = true;  // the stop that follows is ours
      }
      virDomainDestroy(domain.domain);
      virDomainUndefine(domain.domain);
      return undo(checked);
    }
  }
  unsigned int domain_id = virDomainGetID(domain.domain);
  spdlog::info("started {} as domain {} (id {}, cores {}, console {})", spec.fta_id, DomainName(spec.fta_id),
               domain_id, cores.empty() ? "unpinned" : absl::StrJoin(cores, ","), ConsoleLogPath(spec.fta_id));
  return FtaInstance{spec.fta_id, static_cast<int64_t>(domain_id), ConsoleLogPath(spec.fta_id)};
}

absl::Status LibvirtProvisioner::WaitInactive(virDomainPtr domain, const std::string& fta_id,
                                              absl::Duration timeout) {
  absl::Time deadline = options_.clock->Now() + timeout;
  while (true) {
    int active = virDomainIsActive(domain);
    if (active == 0) return absl::OkStatus();
    if (active < 0) {
      return absl::InternalError(absl::StrCat(fta_id, ": cannot query the domain: ", LastLibvirtError()));
    }
    absl::Duration left = deadline - options_.clock->Now();
    if (left <= absl::ZeroDuration()) return absl::DeadlineExceededError(absl::StrCat(fta_id, " still running"));
    // Woken by the STOPPED event; the bound covers a missed one.
    std::unique_lock<std::mutex> lock(mu_);
    changed_.wait_for(lock, absl::ToChronoMilliseconds(std::min(left, absl::Milliseconds(200))));
  }
}

std::string LibvirtProvisioner::OwnedFtaId(virDomainPtr domain) const {
  char* element = virDomainGetMetadata(domain, VIR_DOMAIN_METADATA_ELEMENT, kFtaMetadataUri, 0);
  if (!element) return "";
  std::string xml = element;
  free(element);
  if (MetadataAttribute(xml, "owner") != options_.owner) return "";
  return MetadataAttribute(xml, "id");
}

absl::Status LibvirtProvisioner::Stop(const std::string& fta_id, absl::Duration grace) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = guests_.find(fta_id);
    if (it != guests_.end()) it->second = true;
  }
  FTA_ASSIGN_OR_RETURN(virConnectPtr connection, Connection());
  ConnectionRef ref{connection};
  DomainHandle domain{virDomainLookupByName(connection, DomainName(fta_id).c_str())};
  if (domain.domain) {
    std::string owner_id = OwnedFtaId(domain.domain);
    if (owner_id != fta_id) {
      return absl::FailedPreconditionError(absl::StrCat("domain ", DomainName(fta_id),
                                                        " exists but is not this daemon's guest ", fta_id,
                                                        "; left alone"));
    }
    if (virDomainIsActive(domain.domain) == 1) {
      bool polite = grace > absl::ZeroDuration() && virDomainShutdown(domain.domain) == 0;
      if (!polite || !WaitInactive(domain.domain, fta_id, grace).ok()) {
        if (polite) spdlog::info("{} ignored ACPI shutdown for {}; destroying", fta_id, absl::FormatDuration(grace));
        if (virDomainDestroy(domain.domain) < 0 && virDomainIsActive(domain.domain) == 1) {
          return absl::InternalError(absl::StrCat(fta_id, ": destroy failed: ", LastLibvirtError()));
        }
        FTA_RETURN_IF_ERROR(WaitInactive(domain.domain, fta_id, absl::Seconds(30)));
      }
    }
    if (virDomainUndefine(domain.domain) < 0) {
      return absl::InternalError(absl::StrCat(fta_id, ": undefine failed: ", LastLibvirtError()));
    }
  }
  FTA_RETURN_IF_ERROR(RemoveDomainFiles(fta_id));
  if (options_.planner) options_.planner->ReleaseCores(fta_id);
  {
    std::lock_guard<std::mutex> lock(mu_);
    guests_.erase(fta_id);
  }
  spdlog::info("stopped {} (domain {} undefined, overlay removed)", fta_id, DomainName(fta_id));
  return absl::OkStatus();
}

absl::Status LibvirtProvisioner::Adopt(const std::string& fta_id, int64_t /*pid*/) {
  FTA_ASSIGN_OR_RETURN(virConnectPtr connection, Connection());
  ConnectionRef ref{connection};
  DomainHandle domain{virDomainLookupByName(connection, DomainName(fta_id).c_str())};
  if (!domain.domain) return absl::NotFoundError(absl::StrCat("no domain ", DomainName(fta_id)));
  if (OwnedFtaId(domain.domain) != fta_id) {
    return absl::NotFoundError(absl::StrCat("domain ", DomainName(fta_id), " does not carry our metadata for ", fta_id));
  }
  if (virDomainIsActive(domain.domain) != 1) {
    return absl::NotFoundError(absl::StrCat("domain ", DomainName(fta_id), " is defined but not running"));
  }
  if (options_.planner) {
    char* xml = virDomainGetXMLDesc(domain.domain, 0);
    std::vector<int> cores = xml ? PinnedCores(xml) : std::vector<int>{};
    free(xml);
    if (absl::Status claimed = options_.planner->ClaimCores(fta_id, cores); !claimed.ok()) {
      spdlog::warn("adopting {}: {}", fta_id, std::string(claimed.message()));
    }
  }
  if (options_.flavor) options_.flavor->Adopted(fta_id, domain.domain);
  {
    std::lock_guard<std::mutex> lock(mu_);
    guests_[fta_id] = false;
  }
  spdlog::info("adopted {} (domain {})", fta_id, DomainName(fta_id));
  return absl::OkStatus();
}

bool LibvirtProvisioner::IsRunning(const std::string& fta_id) {
  absl::StatusOr<virConnectPtr> connection = Connection();
  if (!connection.ok()) return false;
  ConnectionRef ref{*connection};
  DomainHandle domain{virDomainLookupByName(*connection, DomainName(fta_id).c_str())};
  return domain.domain && virDomainIsActive(domain.domain) == 1;
}

absl::StatusOr<std::vector<std::string>> LibvirtProvisioner::ListOwned() {
  FTA_ASSIGN_OR_RETURN(virConnectPtr connection, Connection());
  ConnectionRef ref{connection};
  virDomainPtr* domains = nullptr;
  int count = virConnectListAllDomains(connection, &domains, 0);
  if (count < 0) return absl::InternalError(absl::StrCat("listing domains: ", LastLibvirtError()));
  std::vector<std::string> ids;
  for (int i = 0; i < count; ++i) {
    std::string id = OwnedFtaId(domains[i]);
    if (!id.empty()) ids.push_back(id);
    virDomainFree(domains[i]);
  }
  free(domains);
  return ids;
}

}  // namespace fta::virt
