// NoCloud seed for guests: a small ISO 9660 volume labelled "cidata" that
// carries a guest's identity and secrets, so neither is on the kernel
// command line or in SMBIOS (both readable by every user of the host, and
// the command line by every user of the guest).
//
// At its root: meta-data and user-data for cloud-init (image-booted guests:
// the user-data writes /etc/default/fta-agent with FTA_HOSTD and FTA_ID, and
// /etc/fta-agent/{token,cert.pem,key.pem,ca.pem} mode 0600, then starts
// fta-agent.service), and the same facts as plain files under fta/ (id,
// connect, token, cert.pem, key.pem, ca.pem) for guests without cloud-init
// (the tiny test guest mounts the volume and runs
// `fta-agent --credentials <mount>/fta`). Rock Ridge keeps the files' 0600.
//
//   NoCloudSeed seed = MakeNoCloudSeed("fta-3", "10.0.2.2:7070", credentials);
//   FTA_RETURN_IF_ERROR(WriteSeedIso(seed, "/var/lib/fta-hostd/guests/fta-3.seed.iso"));
#pragma once

#include <map>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace fta::virt {

// An FTA's credential files by name ("token", "cert.pem", "key.pem",
// "ca.pem"); any may be absent.
using SeedCredentials = std::map<std::string, std::string>;

// Reads the files of a credentials directory (lib/pki/agent_credentials.h).
absl::StatusOr<SeedCredentials> ReadSeedCredentials(const std::string& credentials_dir);

struct NoCloudSeed {
  std::string meta_data;  // instance-id, local-hostname
  std::string user_data;  // #cloud-config
  std::map<std::string, std::string> fta_files;  // fta/<name> -> contents
};

// `agent_endpoint` is host:port as the guest reaches hostd. Values are
// quoted for YAML.
NoCloudSeed MakeNoCloudSeed(const std::string& fta_id, const std::string& agent_endpoint,
                            const SeedCredentials& credentials);

// Writes the ISO (volume id "cidata", Rock Ridge and Joliet names) with
// genisoimage, atomically (a temporary file renamed into place), mode 0600.
// FAILED_PRECONDITION naming the tool when genisoimage is missing or fails.
absl::Status WriteSeedIso(const NoCloudSeed& seed, const std::string& iso_path);

}  // namespace fta::virt
