// VfService (`ftactl vf list`) and the VF part of HostService (`host show`):
// the VF pool's live view of sysfs, converted to the API.
//
//   VfServiceImpl vfs(pool.get());
//   builder.RegisterService(&vfs);
//   vfs.DescribeHost(&host_info);   // PFs, link rates, VFs used/free, status
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "fta/v1/host.pb.h"
#include "fta/v1/vf.grpc.pb.h"
#include "lib/sriov/verbs.h"
#include "lib/sriov/vf_pool.h"

namespace fta::hostd {

class VfServiceImpl final : public fta::v1::VfService::Service {
 public:
  // `pool` is not owned and must outlive the service. `before_list` (may
  // be empty) runs before every listing: the daemon re-checks its FTAs' VFs
  // there, so `vf list` and `vm show` agree with sysfs right away.
  // `read_verbs` (may be empty: not consulted, saying `verbs_off_reason`)
  // gives libibverbs' ports, merged into the PFs' ports by device and port.
  using VerbsReader = std::function<absl::StatusOr<std::vector<sriov::VerbsPort>>()>;
  explicit VfServiceImpl(sriov::VfPool* pool, std::function<void()> before_list = {}, VerbsReader read_verbs = {},
                         std::string verbs_off_reason = "not consulted")
      : pool_(pool),
        before_list_(std::move(before_list)),
        read_verbs_(std::move(read_verbs)),
        verbs_off_reason_(std::move(verbs_off_reason)) {}

  grpc::Status ListVfs(grpc::ServerContext* context, const fta::v1::ListVfsRequest* request,
                       fta::v1::ListVfsResponse* response) override;

  // Every SR-IOV PF and VF under the sysfs root, as it is now.
  absl::StatusOr<fta::v1::ListVfsResponse> List();
  // Fills HostInfo.pfs, vfs_managed/used/free and sriov_status.
  void DescribeHost(fta::v1::HostInfo* host);

 private:
  // Sets verbs_state/verbs_rate of the PFs' ports and verbs_status.
  void MergeVerbs(fta::v1::ListVfsResponse* response);

  sriov::VfPool* pool_;
  std::function<void()> before_list_;
  VerbsReader read_verbs_;
  std::string verbs_off_reason_;
};

// One line for `host show` / the log: what the pool manages and how much of
// it is in use, or why FTAs run without a VF.
std::string SriovStatus(const sriov::VfPool::Snapshot& snapshot, const std::string& sysfs_root);

}  // namespace fta::hostd
