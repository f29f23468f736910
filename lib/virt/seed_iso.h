// NoCloud seed for image-booted guests: cloud-init in the guest image finds
// a CD-ROM labelled "cidata" holding meta-data and user-data, and the
// user-data writes what fta-agent.service reads (/etc/default/fta-agent:
// FTA_HOSTD and FTA_ID; /etc/fta-agent/token) and starts the agent.
// Direct-boot guests get the same facts on the kernel command line instead.
//
//   NoCloudSeed seed = MakeNoCloudSeed("fta-3", "10.0.2.2:7070", token);
//   FTA_RETURN_IF_ERROR(WriteSeedIso(seed, "/var/lib/fta-hostd/guests/fta-3.seed.iso"));
#pragma once

#include <string>

#include "absl/status/status.h"

namespace fta::virt {

struct NoCloudSeed {
  std::string meta_data;  // instance-id, local-hostname
  std::string user_data;  // #cloud-config
};

// `agent_endpoint` is host:port as the guest reaches hostd; `token` may be
// empty (then no token file is written). Values are quoted for YAML.
NoCloudSeed MakeNoCloudSeed(const std::string& fta_id, const std::string& agent_endpoint, const std::string& token);

// Writes the ISO (volume id "cidata", Rock Ridge and Joliet names) with
// genisoimage, atomically (a temporary file renamed into place).
// FAILED_PRECONDITION naming the tool when genisoimage is missing or fails.
absl::Status WriteSeedIso(const NoCloudSeed& seed, const std::string& iso_path);

}  // namespace fta::virt
