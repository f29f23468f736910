#include "lib/virt/container_netns.h"

#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "lib/core/run_tool.h"
#include "lib/core/status_macros.h"

namespace fta::virt {
namespace {

absl::Status RunOrFail(const std::vector<std::string>& argv, const std::string& what) {
  FTA_ASSIGN_OR_RETURN(ToolResult result, RunTool(argv));
  if (result.exit_code != 0) {
    return absl::InternalError(absl::StrCat(what, " failed: ", absl::StripAsciiWhitespace(result.output)));
  }
  return absl::OkStatus();
}

// Names of the entries of a directory, "" when it has none or is missing.
std::string FirstEntry(const std::filesystem::path& dir) {
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) return entry.path().filename().string();
  return "";
}

}  // namespace

absl::StatusOr<NetnsId> RealNetnsOps::Identify(const std::string& netns_path) {
  struct stat info {};
  if (stat(netns_path.c_str(), &info) != 0) {
    return absl::NotFoundError(absl::StrCat("network namespace ", netns_path, ": ", std::strerror(errno)));
  }
  return NetnsId{static_cast<uint64_t>(info.st_dev), static_cast<uint64_t>(info.st_ino)};
}

absl::StatusOr<std::string> RealNetnsOps::RdmaNetnsMode() {
  FTA_ASSIGN_OR_RETURN(ToolResult result, RunTool({"rdma", "system"}));
  if (result.exit_code != 0) {
    return absl::UnavailableError(
        absl::StrCat("no RDMA subsystem (rdma system: ", absl::StripAsciiWhitespace(result.output), ")"));
  }
  if (absl::StrContains(result.output, "netns exclusive")) return std::string("exclusive");
  if (absl::StrContains(result.output, "netns shared")) return std::string("shared");
  return absl::UnavailableError(absl::StrCat("rdma system: unexpected output \"",
                                             absl::StripAsciiWhitespace(result.output), "\""));
}

absl::Status RealNetnsOps::MoveRdmaDevice(const std::string& device, const std::string& netns_path) {
  return RunOrFail({"rdma", "dev", "set", device, "netns", netns_path},
                   absl::StrCat("moving RDMA device ", device, " into ", netns_path));
}

absl::Status RealNetnsOps::MoveNetdev(const std::string& ifname, const std::string& netns_path) {
  return RunOrFail({"ip", "link", "set", "dev", ifname, "netns", netns_path},
                   absl::StrCat("moving netdev ", ifname, " into ", netns_path));
}

absl::StatusOr<bool> RealNetnsOps::HasNetdev(const std::string& netns_path, const std::string& ifname) {
  int fd = open(netns_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return absl::NotFoundError(absl::StrCat("network namespace ", netns_path, ": ", std::strerror(errno)));
  // setns changes only the calling thread's namespace: a throwaway thread
  // looks inside and ends, the daemon's threads never move.
  absl::StatusOr<bool> found = false;
  std::thread([&] {
    if (setns(fd, CLONE_NEWNET) != 0) {
      found = absl::InternalError(absl::StrCat("setns ", netns_path, ": ", std::strerror(errno)));
      return;
    }
    found = if_nametoindex(ifname.c_str()) != 0;
  }).join();
  close(fd);
  return found;
}

absl::Status ContainerNetwork::CheckRdmaExclusive() {
  FTA_ASSIGN_OR_RETURN(std::string mode, ops_->RdmaNetnsMode());
  if (mode == "exclusive") return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "RDMA netns mode is ", mode, ": a VF's RDMA device can only move into a container in exclusive mode; run "
      "`rdma system set netns exclusive` before any container starts, or make it permanent with "
      "`options ib_core netns_mode=0` in /etc/modprobe.d/ib_core.conf"));
}

absl::Status ContainerNetwork::VerifyOwnNamespace(const std::string& fta_id, const std::string& netns_path) {
  FTA_ASSIGN_OR_RETURN(NetnsId host, ops_->Identify(host_netns_path_));
  FTA_ASSIGN_OR_RETURN(NetnsId container, ops_->Identify(netns_path));
  if (host == container) {
    return absl::FailedPreconditionError(absl::StrCat(
        fta_id, ": the container runs in the host's network namespace (", netns_path, " is ", host_netns_path_,
        "); its domain needs <privnet/> or an interface"));
  }
  return absl::OkStatus();
}

absl::Status ContainerNetwork::Attach(const std::string& fta_id, const std::string& netns_path,
                                      const ContainerNetDevices& devices) {
  // The RDMA device first: moving it re-creates the IPoIB netdev in the
  // default namespace, so a netdev moved earlier would come back.
  if (!devices.rdma_device.empty()) {
    FTA_RETURN_IF_ERROR(ops_->MoveRdmaDevice(devices.rdma_device, netns_path));
  }
  if (devices.netdev.empty()) return absl::OkStatus();
  FTA_RETURN_IF_ERROR(ops_->MoveNetdev(devices.netdev, netns_path));
  FTA_ASSIGN_OR_RETURN(bool inside, ops_->HasNetdev(netns_path, devices.netdev));
  if (!inside) {
    return absl::InternalError(
        absl::StrCat(fta_id, ": netdev ", devices.netdev, " was moved but is not in the container's namespace"));
  }
  return absl::OkStatus();
}

absl::StatusOr<ContainerNetDevices> VfNetDevices(const std::string& sysfs_root, const std::string& vf_pci_address) {
  std::filesystem::path device = std::filesystem::path(sysfs_root) / "bus/pci/devices" / vf_pci_address;
  ContainerNetDevices devices;
  devices.netdev = FirstEntry(device / "net");
  if (devices.netdev.empty()) {
    return absl::NotFoundError(absl::StrCat("VF ", vf_pci_address, " has no netdev under ", device.string(), "/net"));
  }
  devices.rdma_device = FirstEntry(device / "infiniband");
  std::string uverbs = FirstEntry(device / "infiniband_verbs");
  if (!uverbs.empty()) devices.char_devices.push_back("/dev/infiniband/" + uverbs);
  if (!devices.rdma_device.empty()) devices.char_devices.push_back("/dev/infiniband/rdma_cm");
  return devices;
}

}  // namespace fta::virt
