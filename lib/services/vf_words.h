// lib/sriov reports what sysfs and libibverbs say as text ("4: ACTIVE" ->
// "ACTIVE", "LinkUp", GuidAcceptance's "accepted"); the API carries enums.
// These are the one place the two meet. Text the kernel may add later maps
// to UNSPECIFIED rather than failing a listing.
#pragma once

#include <string>

#include "fta/v1/vf.pb.h"
#include "lib/sriov/discovery.h"

namespace fta::hostd {

fta::v1::PortState PortStateOf(const std::string& text);          // "ACTIVE" -> PORT_STATE_ACTIVE
fta::v1::PortPhysState PortPhysStateOf(const std::string& text);  // "LinkUp" -> PORT_PHYS_STATE_LINK_UP
fta::v1::GuidState GuidStateOf(const std::string& text);          // "accepted", ..., "-" (generic device)
fta::v1::DeviceFamily DeviceFamilyOf(sriov::Family family);
// The kernel's word for a port state, for log and status lines ("ACTIVE").
std::string PortStateText(fta::v1::PortState state);

}  // namespace fta::hostd
