// Domain XML for one FTA guest, generated from the guest template.
//
// Pure functions (no libvirt calls) so the XML can be checked against golden
// files and `virt-xml-validate` without a hypervisor.
//
//   GuestTemplate guest;            // from [guest] in the config
//   DomainPlan plan{...};           // this guest: name, overlay, cores, VF
//   absl::StatusOr<std::string> xml = BuildDomainXml(guest, plan);
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace fta::virt {

// XML namespace of the metadata element that marks a domain as an FTA guest.
inline constexpr char kFtaMetadataUri[] = "https://fta-host.example/xmlns/guest/1";
inline constexpr char kFtaMetadataPrefix[] = "fta";

// What every guest looks like (config [guest]).
struct GuestTemplate {
  int vcpus = 1;
  int64_t memory_mib = 4096;
  int64_t disk_gib = 20;
  // Either a base image (each guest boots a qcow2 overlay on it) ...
  std::string base_image;
  std::string base_image_format = "qcow2";
  // ... or direct kernel boot (the overlay is then an empty data disk).
  std::string kernel;
  std::string initrd;
  std::string cmdline = "console=ttyS0";
  // "kvm" in production, "qemu" (TCG) without /dev/kvm, "test" for
  // libvirt's test driver.
  std::string domain_type = "kvm";
  // "user" (QEMU user-mode networking), "network:NAME" or "bridge:NAME".
  std::string network = "user";
};

// One guest's own facts.
struct DomainPlan {
  std::string domain_name;
  std::string fta_id;
  std::string owner;            // who may manage it (this daemon's identity)
  std::string overlay_path;     // qcow2 created for this guest
  std::string console_log;      // serial console file
  std::vector<int> host_cores;  // vCPU i pinned to host_cores[i]; empty = unpinned
  int numa_node = -1;           // memory bound here when >= 0
  std::string vf_pci_address;   // "0000:03:00.1"; "" = no VF
  // Where the guest's agent dials: appended to the kernel command line
  // (direct boot) and given as SMBIOS OEM strings (images read them with
  // dmidecode -t 11), with the id. Never a secret: those are on the seed.
  std::string agent_endpoint;
  // NoCloud seed ISO (seed_iso.h) with the FTA's token and certificate,
  // attached read-only: a CD-ROM for image boot (cloud-init), a virtio disk
  // (vdb) for direct kernel boot; "" = none.
  std::string seed_iso_path;
};

absl::StatusOr<std::string> BuildDomainXml(const GuestTemplate& guest, const DomainPlan& plan);

// The identity words the guest reads: "fta.id=... fta.connect=..." (no secret).
std::string GuestIdentityArgs(const DomainPlan& plan);

struct PciAddress {
  int domain = 0, bus = 0, slot = 0, function = 0;
};
// "0000:03:00.1" -> parts. INVALID_ARGUMENT naming vf_pci_address otherwise.
absl::StatusOr<PciAddress> ParsePciAddress(const std::string& text);

// The metadata element as libvirt returns it (virDomainGetMetadata):
// returns the value of attribute `name`, "" when absent.
std::string MetadataAttribute(const std::string& element_xml, const std::string& name);

// The <cputune> element pinning vCPU i to host_cores[i] (guests and
// containers alike); "" when unpinned. PinnedCores reads it back.
std::string CpuTuneXml(const std::vector<int>& host_cores);

// Host cores the vCPUs of a domain are pinned to (from its XML's
// <vcpupin cpuset='N'/> elements, single cores only).
std::vector<int> PinnedCores(const std::string& domain_xml);

}  // namespace fta::virt
