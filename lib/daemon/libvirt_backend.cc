#include "lib/daemon/libvirt_backend.h"

#include <fcntl.h>
#include <linux/kvm.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "lib/core/status_macros.h"
#include "spdlog/spdlog.h"

namespace fta::hostd {

std::string ResolveDomainType(const std::string& configured, const std::string& kvm_device) {
  if (configured != "auto") return configured;
  int fd = open(kvm_device.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return "qemu";
  bool usable = ioctl(fd, KVM_GET_API_VERSION, 0) == KVM_API_VERSION;
  close(fd);
  return usable ? "kvm" : "qemu";
}

std::string GuestAgentEndpoint(const HostdConfig& config) {
  if (!config.guest_agent_endpoint.empty()) return config.guest_agent_endpoint;
  const std::string& listen = config.agent_listen;
  size_t colon = listen.rfind(':');
  if (config.guest_network != "user" || colon == std::string::npos) return listen;
  std::string host = listen.substr(0, colon);
  if (host == "127.0.0.1" || host == "localhost" || host == "0.0.0.0" || host == "[::]" || host == "[::1]" ||
      host.empty()) {
    return absl::StrCat("10.0.2.2", listen.substr(colon));
  }
  return listen;
}

virt::GuestTemplate GuestTemplateFromConfig(const HostdConfig& config) {
  virt::GuestTemplate guest;
  guest.vcpus = config.guest_vcpus;
  guest.memory_mib = config.guest_memory_mib;
  guest.disk_gib = config.guest_disk_gib;
  guest.base_image = config.guest_base_image;
  guest.base_image_format = config.guest_base_image_format;
  guest.kernel = config.guest_kernel;
  guest.initrd = config.guest_initrd;
  guest.cmdline = config.guest_cmdline;
  guest.domain_type = ResolveDomainType(config.guest_domain_type);
  guest.network = config.guest_network;
  return guest;
}

absl::StatusOr<LibvirtBackend> MakeLibvirtBackend(const HostdConfig& config, const Clock* clock,
                                                 const std::string& proc_root) {
  LibvirtBackend backend;
  FTA_ASSIGN_OR_RETURN(virt::HostResources host, virt::ReadHostResources(proc_root));
  virt::GuestShape shape{config.guest_vcpus, config.guest_memory_mib};
  virt::HostReserve reserve{config.guest_reserve_cores, int64_t{config.guest_reserve_memory_gib} * 1024};
  backend.planner = std::make_unique<virt::CapacityPlanner>(host, shape, reserve);
  spdlog::info("guest capacity: {}", backend.planner->Explanation());

  virt::LibvirtProvisionerOptions options;
  options.uri = config.libvirt_uri;
  options.guest = GuestTemplateFromConfig(config);
  std::error_code error;
  std::filesystem::path state = std::filesystem::absolute(config.state_dir, error);
  options.owner = absl::StrCat("fta-hostd:", state.lexically_normal().string());
  options.image_dir = config.guest_image_dir.empty() ? config.state_dir + "/guests" : config.guest_image_dir;
  options.log_dir = config.state_dir + "/logs";
  options.guest_agent_endpoint = GuestAgentEndpoint(config);
  options.sysfs_root = config.sysfs_root;
  options.planner = backend.planner.get();
  options.clock = clock;
  spdlog::info("libvirt guests: domain type {}, {} vCPU, {} MiB, {} GiB disk, agents dial {}",
               options.guest.domain_type, options.guest.vcpus, options.guest.memory_mib, options.guest.disk_gib,
               options.guest_agent_endpoint);
  FTA_ASSIGN_OR_RETURN(backend.provisioner, virt::LibvirtProvisioner::Create(std::move(options)));
  return backend;
}

}  // namespace fta::hostd
