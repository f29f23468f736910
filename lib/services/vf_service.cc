#include "lib/services/vf_service.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "lib/core/paging.h"
#include "lib/core/rpc_status.h"
#include "lib/services/request_limits.h"
#include "lib/services/vf_words.h"

namespace fta::hostd {
namespace {

fta::v1::IbPortInfo PortToProto(const sriov::IbPort& port) {
  fta::v1::IbPortInfo info;
  info.set_port(port.number);
  info.set_state(PortStateOf(port.state));
  info.set_phys_state(PortPhysStateOf(port.phys_state));
  info.set_rate(port.rate);
  info.set_rate_gbps(port.rate_gbps);
  info.set_link_layer(port.link_layer);
  info.set_lid(port.lid);
  info.set_xmit_bytes(port.xmit_bytes);
  info.set_rcv_bytes(port.rcv_bytes);
  return info;
}

const sriov::IbPort* FirstPort(const sriov::PciFunction& function) {
  if (!function.ib || function.ib->ports.empty()) return nullptr;
  return &function.ib->ports.front();
}

fta::v1::Vf VfToProto(const sriov::VfPool::VfView& view) {
  const sriov::PhysicalFunction& pf = *view.pf;
  const sriov::VirtualFunction& vf = *view.vf;
  fta::v1::Vf out;
  out.set_pci_address(vf.pci.address);
  out.set_pf_pci_address(pf.pci.address);
  out.set_pf_ib_device(pf.pci.ib ? pf.pci.ib->name : "");
  out.set_index(vf.index);
  out.set_family(DeviceFamilyOf(pf.family));
  out.set_numa_node(vf.pci.numa_node);
  out.set_driver(vf.pci.driver);
  out.set_vendor_id(absl::StrFormat("0x%04x", vf.pci.vendor));
  out.set_device_id(absl::StrFormat("0x%04x", vf.pci.device));
  out.set_iommu_group(vf.pci.iommu_group);
  for (const std::string& peer : vf.pci.iommu_peers) out.add_iommu_peers(peer);
  out.set_ib_device(vf.pci.ib ? vf.pci.ib->name : "");
  out.set_node_guid(vf.node_guid);
  out.set_port_guid(vf.port_guid);
  out.set_guid_state(GuidStateOf(view.guid_state));
  // The VF's own port when the host driver shows it, else the PF's: the
  // link its traffic crosses.
  const sriov::IbPort* port = FirstPort(vf.pci);
  if (port == nullptr) port = FirstPort(pf.pci);
  out.set_port_state(port ? PortStateOf(port->state) : fta::v1::PORT_STATE_UNSPECIFIED);
  const sriov::IbPort* pf_port = FirstPort(pf.pci);
  out.set_link_rate(pf_port ? pf_port->rate : "");
  out.set_managed(view.managed);
  out.set_owner_fta(view.owner);
  out.set_unusable(view.managed && view.owner.empty() ? view.unusable : "");
  out.set_healthy(view.healthy);
  return out;
}

}  // namespace

std::string SriovStatus(const sriov::VfPool::Snapshot& snapshot, const std::string& sysfs_root) {
  if (snapshot.inventory.pfs.empty()) {
    return absl::StrCat("no SR-IOV device under ", sysfs_root, "; FTAs run without a VF");
  }
  if (snapshot.managed == 0) {
    return absl::StrCat(snapshot.inventory.pfs.size(), " SR-IOV PF(s) under ", sysfs_root,
                        ", no VF managed (set sriov.pfs, or enable VFs); FTAs run without a VF");
  }
  std::string status =
      absl::StrCat(snapshot.managed, " VF(s) managed on ", snapshot.managed_pfs.size(), " PF(s) under ",
                   sysfs_root, ": ", snapshot.used, " used, ", snapshot.free, " free");
  if (snapshot.unusable > 0) absl::StrAppend(&status, ", ", snapshot.unusable, " unusable");
  if (!snapshot.vanished.empty())
    absl::StrAppend(&status, ", ", snapshot.vanished.size(), " vanished while held");
  return status;
}

absl::StatusOr<fta::v1::ListVfsResponse> VfServiceImpl::List() {
  if (before_list_) before_list_();
  absl::StatusOr<std::unique_ptr<sriov::VfPool::Snapshot>> snapshot = pool_->Describe();
  if (!snapshot.ok()) return snapshot.status();
  const sriov::VfPool::Snapshot& view = **snapshot;
  fta::v1::ListVfsResponse response;
  response.set_sysfs_root(pool_->sysfs_root());
  response.set_status(SriovStatus(view, pool_->sysfs_root()));
  struct Counts {
    int managed = 0, used = 0, free = 0;
  };
  std::map<std::string, Counts> per_pf;
  for (const sriov::VfPool::VfView& vf : view.vfs) {
    *response.add_vfs() = VfToProto(vf);
    Counts& counts = per_pf[vf.pf->pci.address];
    if (!vf.managed) continue;
    ++counts.managed;
    if (!vf.owner.empty()) {
      ++counts.used;
    } else if (vf.unusable.empty()) {
      ++counts.free;
    }
  }
  for (const sriov::PhysicalFunction& pf : view.inventory.pfs) {
    fta::v1::Pf* out = response.add_pfs();
    out->set_pci_address(pf.pci.address);
    out->set_family(DeviceFamilyOf(pf.family));
    out->set_ib_device(pf.pci.ib ? pf.pci.ib->name : "");
    for (const std::string& netdev : pf.pci.netdevs) out->add_netdevs(netdev);
    out->set_numa_node(pf.pci.numa_node);
    out->set_driver(pf.pci.driver);
    out->set_total_vfs(pf.total_vfs);
    out->set_num_vfs(pf.num_vfs);
    if (pf.pci.ib) {
      for (const sriov::IbPort& port : pf.pci.ib->ports) *out->add_ports() = PortToProto(port);
    }
    out->set_managed(std::find(view.managed_pfs.begin(), view.managed_pfs.end(), pf.pci.address) !=
                     view.managed_pfs.end());
    const Counts& counts = per_pf[pf.pci.address];
    out->set_vfs_managed(counts.managed);
    out->set_vfs_used(counts.used);
    out->set_vfs_free(counts.free);
    out->set_error(pf.error);
    if (pf.mlx4) {
      out->set_mlx4_num_vfs(pf.mlx4->num_vfs);
      out->set_mlx4_probe_vf(pf.mlx4->probe_vf);
    }
  }
  MergeVerbs(&response);
  return response;
}

void VfServiceImpl::MergeVerbs(fta::v1::ListVfsResponse* response) {
  if (!read_verbs_) {
    response->set_verbs_status(absl::StrCat("libibverbs ", verbs_off_reason_));
    return;
  }
  absl::StatusOr<std::vector<sriov::VerbsPort>> ports = read_verbs_();
  if (!ports.ok()) {
    response->set_verbs_status(std::string(ports.status().message()));
    return;
  }
  if (ports->empty()) {
    response->set_verbs_status("libibverbs: no RDMA devices (port facts from sysfs only)");
    return;
  }
  std::map<std::pair<std::string, int>, const sriov::VerbsPort*> by_port;
  std::set<std::string> devices;
  for (const sriov::VerbsPort& port : *ports) {
    by_port[{port.device, port.port}] = &port;
    devices.insert(port.device);
  }
  std::vector<std::string> disagreements;
  for (fta::v1::Pf& pf : *response->mutable_pfs()) {
    for (fta::v1::IbPortInfo& info : *pf.mutable_ports()) {
      auto found = by_port.find({pf.ib_device(), info.port()});
      if (found == by_port.end()) {
        disagreements.push_back(absl::StrCat(pf.ib_device(), "/", info.port(), " missing"));
        continue;
      }
      info.set_verbs_state(PortStateOf(found->second->state));
      info.set_verbs_rate(found->second->rate);
      if (info.verbs_state() != info.state()) {
        disagreements.push_back(absl::StrCat(pf.ib_device(), "/", info.port(), " ", found->second->state, " (sysfs ",
                                             PortStateText(info.state()), ")"));
      }
    }
  }
  std::string status = absl::StrCat("libibverbs: ", devices.size(), " RDMA device(s), ");
  if (disagreements.empty()) {
    absl::StrAppend(&status, "PF port states agree with sysfs");
  } else {
    absl::StrAppend(&status, "disagrees with sysfs: ", absl::StrJoin(disagreements, ", "));
  }
  response->set_verbs_status(status);
}

grpc::Status VfServiceImpl::ListVfs(grpc::ServerContext*, const fta::v1::ListVfsRequest* request,
                                    fta::v1::ListVfsResponse* response) {
  FTA_RPC_CHECK_LIMITS(request);
  absl::StatusOr<PageQuery> query = ResolvePage(request->page_size(), request->page_token(), "vfs");
  if (!query.ok()) return ToGrpcStatus(query.status());
  absl::StatusOr<fta::v1::ListVfsResponse> listed = List();
  if (!listed.ok()) return ToGrpcStatus(listed.status());
  // VFs come from sysfs, not the store: paged in memory, keyed by address.
  std::vector<fta::v1::Vf> all(listed->vfs().begin(), listed->vfs().end());
  auto address = [](const fta::v1::Vf& vf) { return vf.pci_address(); };
  absl::StatusOr<Page<fta::v1::Vf>> page = PageOf(all, *query, address);
  if (!page.ok()) return ToGrpcStatus(page.status());
  *response = std::move(*listed);
  response->clear_vfs();
  response->set_next_page_token(NextPageToken("vfs", *page, address));  // before the items move out
  for (auto& vf : page->items) *response->add_vfs() = std::move(vf);
  return grpc::Status::OK;
}

void VfServiceImpl::DescribeHost(fta::v1::HostInfo* host) {
  absl::StatusOr<fta::v1::ListVfsResponse> listed = List();
  if (!listed.ok()) {
    host->set_sriov_status(
        absl::StrCat("cannot read ", pool_->sysfs_root(), ": ", listed.status().message()));
    return;
  }
  host->set_sriov_status(listed->status());
  host->set_verbs_status(listed->verbs_status());
  int managed = 0, used = 0, free = 0;
  for (const fta::v1::Pf& pf : listed->pfs()) {
    *host->add_pfs() = pf;
    managed += pf.vfs_managed();
    used += pf.vfs_used();
    free += pf.vfs_free();
  }
  host->set_vfs_managed(managed);
  host->set_vfs_used(used);
  host->set_vfs_free(free);
}

}  // namespace fta::hostd
