#include "lib/virt/lxc_provisioner.h"

#include <fcntl.h>
#include <libvirt/libvirt-lxc.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "lib/core/status_macros.h"
#include "lib/virt/libvirt_error.h"
#include "spdlog/spdlog.h"

namespace fta::virt {
namespace {

std::string ReadToken(const std::string& path) {
  std::ifstream in(path);
  std::string token((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return std::string(absl::StripAsciiWhitespace(token));
}

// The container's namespaces as file descriptors (libvirt-lxc passes them
// over the socket); keeps the network one open, closes the others.
class ContainerNetns {
 public:
  static absl::StatusOr<ContainerNetns> Open(virDomainPtr domain, const std::string& fta_id, const Clock* clock) {
    int* fds = nullptr;
    // virDomainCreate returns before libvirt_lxc has reported the init's
    // pid ("Init pid is not yet available"); libvirt has no event for it,
    // so ask again briefly.
    absl::Duration pause = absl::Milliseconds(5);
    absl::Time deadline = clock->Now() + absl::Seconds(10);
    int count = virDomainLxcOpenNamespace(domain, &fds, 0);
    while (count < 0 && virGetLastErrorCode() == VIR_ERR_OPERATION_INVALID && clock->Now() < deadline) {
      absl::SleepFor(pause);
      pause = std::min(pause * 2, absl::Milliseconds(100));
      count = virDomainLxcOpenNamespace(domain, &fds, 0);
    }
    if (count < 0) {
      return absl::InternalError(absl::StrCat(fta_id, ": opening the container's namespaces: ", LastLibvirtError()));
    }
    ContainerNetns netns;
    for (int i = 0; i < count; ++i) {
      if (netns.fd_ < 0 && ioctl(fds[i], NS_GET_NSTYPE) == CLONE_NEWNET) {
        netns.fd_ = fds[i];
      } else {
        close(fds[i]);
      }
    }
    free(fds);
    if (netns.fd_ < 0) return absl::InternalError(absl::StrCat(fta_id, ": libvirt returned no network namespace"));
    return netns;
  }
  ContainerNetns(ContainerNetns&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  ~ContainerNetns() {
    if (fd_ >= 0) close(fd_);
  }
  // A path tools (`ip`, `rdma`) open while this object lives.
  std::string Path() const { return absl::StrCat("/proc/", getpid(), "/fd/", fd_); }

 private:
  ContainerNetns() = default;
  int fd_ = -1;
};

}  // namespace

LxcFlavor::LxcFlavor(LxcOptions options)
    : options_(std::move(options)),
      ops_(options_.netns_ops ? options_.netns_ops : std::make_shared<RealNetnsOps>()),
      network_(ops_.get()) {}

std::string LxcFlavor::IdentityDir(const std::string& fta_id) const {
  return absl::StrCat(options_.state_dir, "/", fta_id);
}

std::string LxcFlavor::NetdevOf(const std::string& fta_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = devices_.find(fta_id);
  return it == devices_.end() ? "" : it->second.netdev;
}

absl::Status LxcFlavor::WriteIdentity(const FtaLaunchSpec& spec) const {
  std::string dir = IdentityDir(spec.fta_id);
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) return absl::InternalError(absl::StrCat(spec.fta_id, ": creating ", dir, ": ", error.message()));
  chmod(dir.c_str(), 0700);
  std::string path = dir + "/identity";
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return absl::InternalError(absl::StrCat(spec.fta_id, ": cannot write ", path));
  std::string text = absl::StrCat("id=", spec.fta_id, "\nconnect=", options_.agent_endpoint, "\n");
  if (!spec.credentials_dir.empty()) {
    absl::StrAppend(&text, "token=", ReadToken(spec.credentials_dir + "/token"), "\n");
  }
  bool written = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  close(fd);
  if (!written) return absl::InternalError(absl::StrCat(spec.fta_id, ": short write to ", path));
  return absl::OkStatus();
}

absl::Status LxcFlavor::CheckRdma() { return network_.CheckRdmaExclusive(); }

absl::StatusOr<ContainerNetDevices> LxcFlavor::ChooseDevices(const FtaLaunchSpec& spec) {
  if (!spec.vf_pci_address.empty()) {
    FTA_RETURN_IF_ERROR(network_.CheckRdmaExclusive());
    return VfNetDevices(options_.sysfs_root, spec.vf_pci_address);
  }
  ContainerNetDevices devices;
  if (options_.netdevs.empty()) return devices;
  std::lock_guard<std::mutex> lock(mu_);
  for (const std::string& netdev : options_.netdevs) {
    bool held = false;
    for (const auto& [id, held_devices] : devices_) held = held || held_devices.netdev == netdev;
    absl::StatusOr<bool> present = ops_->HasNetdev("/proc/self/ns/net", netdev);
    if (!held && present.ok() && *present) {
      devices.netdev = netdev;
      return devices;
    }
  }
  return absl::ResourceExhaustedError(absl::StrCat(
      spec.fta_id, ": container.netdevs: every configured netdev is held by a container or missing on the host"));
}

absl::StatusOr<std::string> LxcFlavor::Prepare(const FtaLaunchSpec& spec, const std::string& domain_name,
                                               const std::vector<int>& cores) {
  FTA_ASSIGN_OR_RETURN(ContainerNetDevices devices, ChooseDevices(spec));
  ContainerPlan plan;
  plan.domain_name = domain_name;
  plan.fta_id = spec.fta_id;
  plan.owner = options_.owner;
  plan.host_cores = cores;
  plan.identity_dir = IdentityDir(spec.fta_id);
  plan.char_devices = devices.char_devices;
  FTA_ASSIGN_OR_RETURN(std::string xml, BuildContainerXml(options_.shape, plan));
  FTA_RETURN_IF_ERROR(WriteIdentity(spec));
  std::lock_guard<std::mutex> lock(mu_);
  devices_[spec.fta_id] = devices;
  return xml;
}

absl::Status LxcFlavor::SetUpNetwork(const std::string& fta_id, const std::string& netns_path) {
  FTA_RETURN_IF_ERROR(network_.VerifyOwnNamespace(fta_id, netns_path));
  ContainerNetDevices devices;
  {
    std::lock_guard<std::mutex> lock(mu_);
    devices = devices_[fta_id];
  }
  return network_.Attach(fta_id, netns_path, devices);
}

absl::Status LxcFlavor::Started(const std::string& fta_id, virDomainPtr domain) {
  FTA_ASSIGN_OR_RETURN(ContainerNetns netns, ContainerNetns::Open(domain, fta_id, options_.clock));
  FTA_RETURN_IF_ERROR(SetUpNetwork(fta_id, netns.Path()));
  spdlog::info("{}: own network namespace verified{}", fta_id,
               NetdevOf(fta_id).empty() ? "" : absl::StrCat(", netdev ", NetdevOf(fta_id), " moved inside"));
  return absl::OkStatus();
}

void LxcFlavor::RelearnNetdev(const std::string& fta_id, const std::string& netns_path) {
  for (const std::string& netdev : options_.netdevs) {
    absl::StatusOr<bool> inside = ops_->HasNetdev(netns_path, netdev);
    if (!inside.ok() || !*inside) continue;
    std::lock_guard<std::mutex> lock(mu_);
    devices_[fta_id].netdev = netdev;
    return;
  }
}

void LxcFlavor::Adopted(const std::string& fta_id, virDomainPtr domain) {
  absl::StatusOr<ContainerNetns> netns = ContainerNetns::Open(domain, fta_id, options_.clock);
  if (!netns.ok()) {
    spdlog::warn("adopting {}: {}", fta_id, std::string(netns.status().message()));
    return;
  }
  if (absl::Status own = network_.VerifyOwnNamespace(fta_id, netns->Path()); !own.ok()) {
    spdlog::warn("adopting {}: {}", fta_id, std::string(own.message()));
  }
  RelearnNetdev(fta_id, netns->Path());
}

absl::Status LxcFlavor::Cleanup(const std::string& fta_id) {
  {
    // The netdev leaves with the namespace (a veth end is destroyed, a
    // physical netdev returns to the host's namespace).
    std::lock_guard<std::mutex> lock(mu_);
    devices_.erase(fta_id);
  }
  std::error_code error;
  std::filesystem::remove_all(IdentityDir(fta_id), error);
  if (error) return absl::InternalError(absl::StrCat(fta_id, ": removing ", IdentityDir(fta_id), ": ", error.message()));
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<LibvirtProvisioner>> CreateLxcProvisioner(LxcOptions options) {
  if (options.clock == nullptr) return absl::InvalidArgumentError("LxcOptions.clock: required");
  if (!absl::StartsWith(options.agent_endpoint, "unix:")) {
    return absl::InvalidArgumentError(absl::StrCat(
        "container agent endpoint \"", options.agent_endpoint,
        "\": containers have their own network namespace and reach hostd over a unix socket (agents.listen = unix:PATH)"));
  }
  // The socket's directory may sit under /tmp, which containers replace by
  // their own, and so may the agent binary (a build tree).
  options.shape.readonly_dirs.push_back(std::filesystem::path(options.agent_endpoint.substr(5)).parent_path().string());
  if (absl::StartsWith(options.shape.agent_binary, "/tmp/")) {
    options.shape.readonly_dirs.push_back(std::filesystem::path(options.shape.agent_binary).parent_path().string());
  }
  // The root is read-only inside: mount targets must exist on the host.
  std::error_code error;
  std::filesystem::create_directories(kContainerIdentityDir, error);
  if (error) {
    return absl::FailedPreconditionError(
        absl::StrCat("creating the identity mount point ", kContainerIdentityDir, ": ", error.message()));
  }
  auto flavor = std::make_shared<LxcFlavor>(options);
  absl::Status rdma = flavor->CheckRdma();
  if (absl::IsUnavailable(rdma)) {
    spdlog::info("containers: {}; no VF can be moved into a container", std::string(rdma.message()));
  } else if (!rdma.ok()) {
    spdlog::warn("containers: {}", std::string(rdma.message()));
  }
  LibvirtProvisionerOptions libvirt;
  libvirt.uri = options.uri;
  libvirt.owner = options.owner;
  libvirt.domain_prefix = options.domain_prefix;
  libvirt.image_dir = options.state_dir;
  libvirt.log_dir = options.log_dir;
  libvirt.planner = options.planner;
  libvirt.clock = options.clock;
  libvirt.flavor = std::move(flavor);
  absl::StatusOr<std::unique_ptr<LibvirtProvisioner>> provisioner = LibvirtProvisioner::Create(std::move(libvirt));
  if (!provisioner.ok() && absl::IsFailedPrecondition(provisioner.status())) {
    return absl::FailedPreconditionError(absl::StrCat("container.uri: ", provisioner.status().message()));
  }
  return provisioner;
}

}  // namespace fta::virt
