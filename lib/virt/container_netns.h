// ContainerNetwork: a container FTA's network namespace, checked and filled.
//
// libvirt's `<privnet/>` gives each container its own network namespace,
// but a mistake (a shared netns that did not propagate into libvirtd's mount
// namespace, a missing privnet) silently leaves it in the host's, so hostd
// verifies after every start. With a VF, the VF's RDMA device moves into the
// container first and its IPoIB netdev second: moving the RDMA device
// re-creates the netdev in the default namespace. That needs the RDMA
// subsystem in exclusive netns mode (`rdma system set netns exclusive`, or
// `options ib_core netns_mode=0` at module load), checked once at start.
// Without a VF a plain netdev (a veth end in CI) is moved the same way.
//
// The system side (stat, `ip`, `rdma`, setns) is behind NetnsOps so the
// ordering and the checks are unit-tested with a fake.
//
//   RealNetnsOps ops;  ContainerNetwork network(&ops);
//   FTA_RETURN_IF_ERROR(network.VerifyOwnNamespace("fta-3", "/proc/123/ns/net"));
//   FTA_RETURN_IF_ERROR(network.Attach("fta-3", "/proc/123/ns/net", devices));
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace fta::virt {

struct NetnsId {
  uint64_t device = 0;
  uint64_t inode = 0;
  bool operator==(const NetnsId& other) const { return device == other.device && inode == other.inode; }
};

// What moves into a container: a VF's RDMA device ("mlx5_3", "" = none),
// its netdev ("ib3", or a veth end) and the char devices passed through
// (/dev/infiniband/uverbs3, /dev/infiniband/rdma_cm).
struct ContainerNetDevices {
  std::string rdma_device;
  std::string netdev;
  std::vector<std::string> char_devices;
};

class NetnsOps {
 public:
  virtual ~NetnsOps() = default;
  // The namespace a path (/proc/PID/ns/net, /proc/self/fd/N) refers to.
  virtual absl::StatusOr<NetnsId> Identify(const std::string& netns_path) = 0;
  // "exclusive" or "shared" (from `rdma system`); UNAVAILABLE when the host
  // has no RDMA subsystem.
  virtual absl::StatusOr<std::string> RdmaNetnsMode() = 0;
  virtual absl::Status MoveRdmaDevice(const std::string& device, const std::string& netns_path) = 0;
  virtual absl::Status MoveNetdev(const std::string& ifname, const std::string& netns_path) = 0;
  virtual absl::StatusOr<bool> HasNetdev(const std::string& netns_path, const std::string& ifname) = 0;
};

// The real thing: stat(2), iproute2's `ip` and `rdma` (argv, no shell) and
// setns(2) on a short-lived thread for looking inside a namespace.
class RealNetnsOps final : public NetnsOps {
 public:
  absl::StatusOr<NetnsId> Identify(const std::string& netns_path) override;
  absl::StatusOr<std::string> RdmaNetnsMode() override;
  absl::Status MoveRdmaDevice(const std::string& device, const std::string& netns_path) override;
  absl::Status MoveNetdev(const std::string& ifname, const std::string& netns_path) override;
  absl::StatusOr<bool> HasNetdev(const std::string& netns_path, const std::string& ifname) override;
};

class ContainerNetwork {
 public:
  // `ops` is not owned. `host_netns_path` is the namespace containers must
  // not be in (hostd's own).
  explicit ContainerNetwork(NetnsOps* ops, std::string host_netns_path = "/proc/self/ns/net")
      : ops_(ops), host_netns_path_(std::move(host_netns_path)) {}

  // For hosts that hand VFs to containers: FAILED_PRECONDITION with the fix
  // unless the RDMA subsystem is in exclusive mode.
  absl::Status CheckRdmaExclusive();
  // FAILED_PRECONDITION when the container runs in the host's namespace.
  absl::Status VerifyOwnNamespace(const std::string& fta_id, const std::string& netns_path);
  // RDMA device first, then the netdev, which must then be visible inside.
  absl::Status Attach(const std::string& fta_id, const std::string& netns_path, const ContainerNetDevices& devices);

 private:
  NetnsOps* ops_;
  const std::string host_netns_path_;
};

// A VF's devices from sysfs: <sysfs>/bus/pci/devices/<bdf>/infiniband/<dev>,
// .../net/<ifname>, .../infiniband_verbs/uverbsN (-> /dev/infiniband/uverbsN)
// plus /dev/infiniband/rdma_cm. NOT_FOUND naming the VF when it has no
// netdev.
absl::StatusOr<ContainerNetDevices> VfNetDevices(const std::string& sysfs_root, const std::string& vf_pci_address);

}  // namespace fta::virt
