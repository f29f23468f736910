// Table-mode views of the VF pool: `ftactl vf list` and the PF section of
// `ftactl host show`. Like format.h: complete text ending in '\n', empty
// fields shown as "-".
#pragma once

#include <string>

#include "fta/v1/host.pb.h"
#include "fta/v1/vf.pb.h"

namespace fta::cli {

// One row per VF (PF, index, NUMA, driver, GUIDs and their state, port,
// managed, owner, why unusable), then the status line. No VF: says so and why.
std::string RenderVfList(const v1::ListVfsResponse& response);

// "Physical functions" table of host show: address, IB device, family,
// NUMA, VFs enabled/total, VFs used/free, port state and rate per port.
// Empty when the host has no SR-IOV PF.
std::string RenderPfSection(const google::protobuf::RepeatedPtrField<v1::Pf>& pfs);

}  // namespace fta::cli
