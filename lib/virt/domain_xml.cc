#include "lib/virt/domain_xml.h"

#include <cstdio>
#include <regex>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lib/core/markup.h"

namespace fta::virt {
namespace {

absl::Status CheckTemplate(const GuestTemplate& guest, const DomainPlan& plan) {
  if (guest.vcpus < 1) return absl::InvalidArgumentError("guest.vcpus: must be at least 1");
  if (guest.memory_mib < 16) return absl::InvalidArgumentError("guest.memory_mib: must be at least 16");
  if (guest.kernel.empty() == guest.base_image.empty()) {
    return absl::InvalidArgumentError("guest: set either base_image or kernel (direct boot), not both or neither");
  }
  if (!guest.kernel.empty() && guest.initrd.empty()) {
    return absl::InvalidArgumentError("guest.initrd: required with guest.kernel");
  }
  if (plan.domain_name.empty() || plan.fta_id.empty()) {
    return absl::InvalidArgumentError("domain plan: name and FTA id are required");
  }
  if (!plan.host_cores.empty() && static_cast<int>(plan.host_cores.size()) != guest.vcpus) {
    return absl::InvalidArgumentError(absl::StrCat("domain plan: ", plan.host_cores.size(), " host cores for ",
                                                   guest.vcpus, " vCPUs"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> InterfaceXml(const std::string& network) {
  if (network == "user") return std::string("    <interface type='user'>\n      <model type='virtio'/>\n    </interface>\n");
  if (absl::StartsWith(network, "network:") && network.size() > 8) {
    return absl::StrCat("    <interface type='network'>\n      <source network='", EscapeMarkup(network.substr(8)),
                        "'/>\n      <model type='virtio'/>\n    </interface>\n");
  }
  if (absl::StartsWith(network, "bridge:") && network.size() > 7) {
    return absl::StrCat("    <interface type='bridge'>\n      <source bridge='", EscapeMarkup(network.substr(7)),
                        "'/>\n      <model type='virtio'/>\n    </interface>\n");
  }
  return absl::InvalidArgumentError(
      absl::StrCat("guest.network: \"", network, "\" is not user, network:NAME or bridge:NAME"));
}

}  // namespace

std::string GuestIdentityArgs(const DomainPlan& plan) {
  return absl::StrCat("fta.id=", plan.fta_id, " fta.connect=", plan.agent_endpoint);
}

absl::StatusOr<PciAddress> ParsePciAddress(const std::string& text) {
  static const std::regex kBdf("^([0-9a-fA-F]{4}):([0-9a-fA-F]{2}):([0-9a-fA-F]{2})\\.([0-7])$");
  std::smatch match;
  if (!std::regex_match(text, match, kBdf)) {
    return absl::InvalidArgumentError(
        absl::StrCat("vf_pci_address: \"", text, "\" is not a PCI address like 0000:03:00.1"));
  }
  PciAddress address;
  address.domain = std::stoi(match[1].str(), nullptr, 16);
  address.bus = std::stoi(match[2].str(), nullptr, 16);
  address.slot = std::stoi(match[3].str(), nullptr, 16);
  address.function = std::stoi(match[4].str(), nullptr, 16);
  if (address.slot > 0x1f) {
    return absl::InvalidArgumentError(absl::StrCat("vf_pci_address: slot of \"", text, "\" is above 0x1f"));
  }
  return address;
}

absl::StatusOr<std::string> BuildDomainXml(const GuestTemplate& guest, const DomainPlan& plan) {
  if (absl::Status status = CheckTemplate(guest, plan); !status.ok()) return status;
  absl::StatusOr<std::string> interface = InterfaceXml(guest.network);
  if (!interface.ok()) return interface.status();
  std::string identity = GuestIdentityArgs(plan);

  std::string xml = absl::StrCat("<domain type='", EscapeMarkup(guest.domain_type), "'>\n");
  absl::StrAppend(&xml, "  <name>", EscapeMarkup(plan.domain_name), "</name>\n");
  absl::StrAppend(&xml, "  <metadata>\n    <", kFtaMetadataPrefix, ":guest xmlns:", kFtaMetadataPrefix, "='",
                  kFtaMetadataUri, "' id='", EscapeMarkup(plan.fta_id), "' owner='", EscapeMarkup(plan.owner),
                  "'/>\n  </metadata>\n");
  absl::StrAppend(&xml, "  <memory unit='MiB'>", guest.memory_mib, "</memory>\n");
  absl::StrAppend(&xml, "  <vcpu placement='static'>", guest.vcpus, "</vcpu>\n");
  absl::StrAppend(&xml, CpuTuneXml(plan.host_cores));
  if (plan.numa_node >= 0) {
    absl::StrAppend(&xml, "  <numatune>\n    <memory mode='strict' nodeset='", plan.numa_node,
                    "'/>\n  </numatune>\n");
  }
  // SMBIOS OEM strings carry the identity for image-booted guests.
  absl::StrAppend(&xml, "  <sysinfo type='smbios'>\n    <oemStrings>\n");
  absl::StrAppend(&xml, "      <entry>fta.id=", EscapeMarkup(plan.fta_id), "</entry>\n");
  absl::StrAppend(&xml, "      <entry>fta.connect=", EscapeMarkup(plan.agent_endpoint), "</entry>\n");
  absl::StrAppend(&xml, "    </oemStrings>\n  </sysinfo>\n");
  absl::StrAppend(&xml, "  <os>\n    <type arch='x86_64' machine='pc'>hvm</type>\n");
  if (!guest.kernel.empty()) {
    absl::StrAppend(&xml, "    <kernel>", EscapeMarkup(guest.kernel), "</kernel>\n");
    absl::StrAppend(&xml, "    <initrd>", EscapeMarkup(guest.initrd), "</initrd>\n");
    absl::StrAppend(&xml, "    <cmdline>", EscapeMarkup(absl::StrCat(guest.cmdline, " ", identity)), "</cmdline>\n");
  } else {
    absl::StrAppend(&xml, "    <boot dev='hd'/>\n");
  }
  absl::StrAppend(&xml, "    <smbios mode='sysinfo'/>\n  </os>\n");
  absl::StrAppend(&xml, "  <features>\n    <acpi/>\n  </features>\n");
  // A guest that powers itself off is gone; hostd notices through the
  // lifecycle event and decides, libvirt does not restart it.
  absl::StrAppend(&xml, "  <on_poweroff>destroy</on_poweroff>\n  <on_reboot>restart</on_reboot>\n",
                  "  <on_crash>destroy</on_crash>\n");
  absl::StrAppend(&xml, "  <devices>\n");
  absl::StrAppend(&xml, "    <disk type='file' device='disk'>\n      <driver name='qemu' type='qcow2'/>\n",
                  "      <source file='", EscapeMarkup(plan.overlay_path), "'/>\n",
                  "      <target dev='vda' bus='virtio'/>\n    </disk>\n");
  if (!plan.seed_iso_path.empty()) {
    // Direct-boot guests (no cloud-init) read the seed from a virtio disk,
    // whose driver they load anyway.
    const bool cdrom = guest.kernel.empty();
    absl::StrAppend(&xml, "    <disk type='file' device='", cdrom ? "cdrom" : "disk",
                    "'>\n      <driver name='qemu' type='raw'/>\n",
                    "      <source file='", EscapeMarkup(plan.seed_iso_path), "'/>\n",
                    cdrom ? "      <target dev='hdc' bus='ide'/>\n" : "      <target dev='vdb' bus='virtio'/>\n",
                    "      <readonly/>\n    </disk>\n");
  }
  absl::StrAppend(&xml, *interface);
  if (!plan.vf_pci_address.empty()) {
    absl::StatusOr<PciAddress> vf = ParsePciAddress(plan.vf_pci_address);
    if (!vf.ok()) return vf.status();
    absl::StrAppend(&xml, "    <hostdev mode='subsystem' type='pci' managed='yes'>\n      <source>\n",
                    absl::StrFormat("        <address domain='0x%04x' bus='0x%02x' slot='0x%02x' function='0x%x'/>\n",
                                    vf->domain, vf->bus, vf->slot, vf->function),
                    "      </source>\n    </hostdev>\n");
  }
  absl::StrAppend(&xml, "    <serial type='file'>\n      <source path='", EscapeMarkup(plan.console_log),
                  "'/>\n      <target port='0'/>\n    </serial>\n");
  absl::StrAppend(&xml, "    <memballoon model='none'/>\n  </devices>\n</domain>\n");
  return xml;
}

std::string MetadataAttribute(const std::string& element_xml, const std::string& name) {
  for (char quote : {'"', '\''}) {
    std::string needle = absl::StrCat(" ", name, "=", std::string(1, quote));
    size_t start = element_xml.find(needle);
    if (start == std::string::npos) continue;
    start += needle.size();
    size_t end = element_xml.find(quote, start);
    if (end == std::string::npos) return "";
    std::string raw = element_xml.substr(start, end - start);
    // Undo the escapes EscapeMarkup (and libvirt's serializer) produce.
    std::string out;
    for (size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] != '&') {
        out += raw[i];
        continue;
      }
      size_t semi = raw.find(';', i);
      std::string entity = raw.substr(i, semi == std::string::npos ? std::string::npos : semi - i + 1);
      if (entity == "&amp;") out += '&';
      else if (entity == "&lt;") out += '<';
      else if (entity == "&gt;") out += '>';
      else if (entity == "&apos;" || entity == "&#39;") out += '\'';
      else if (entity == "&quot;") out += '"';
      else out += entity;
      i += entity.size() - 1;
    }
    return out;
  }
  return "";
}

std::string CpuTuneXml(const std::vector<int>& host_cores) {
  if (host_cores.empty()) return "";
  std::string xml = "  <cputune>\n";
  for (size_t i = 0; i < host_cores.size(); ++i) {
    absl::StrAppend(&xml, "    <vcpupin vcpu='", i, "' cpuset='", host_cores[i], "'/>\n");
  }
  return absl::StrCat(xml, "  </cputune>\n");
}

std::vector<int> PinnedCores(const std::string& domain_xml) {
  static const std::regex kPin("<vcpupin vcpu=['\"]\\d+['\"] cpuset=['\"](\\d+)['\"]");
  std::vector<int> cores;
  for (auto it = std::sregex_iterator(domain_xml.begin(), domain_xml.end(), kPin); it != std::sregex_iterator();
       ++it) {
    int core = 0;
    if (absl::SimpleAtoi((*it)[1].str(), &core)) cores.push_back(core);
  }
  return cores;
}

}  // namespace fta::virt
