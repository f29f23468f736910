#include "lib/virt/lxc_domain_xml.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "lib/core/markup.h"
#include "lib/virt/domain_xml.h"

namespace fta::virt {
namespace {

absl::Status CheckAbsolute(const std::string& key, const std::string& path) {
  if (path.empty() || path[0] != '/') {
    return absl::InvalidArgumentError(absl::StrCat(key, ": \"", path, "\" must be an absolute path"));
  }
  return absl::OkStatus();
}

absl::Status CheckContainer(const ContainerTemplate& shape, const ContainerPlan& plan) {
  if (shape.vcpus < 1) return absl::InvalidArgumentError("container.vcpus: must be at least 1");
  if (shape.memory_mib < 16) return absl::InvalidArgumentError("container.memory_mib: must be at least 16");
  if (shape.tmp_mib < 1) return absl::InvalidArgumentError("container.tmp_mib: must be at least 1");
  if (absl::Status s = CheckAbsolute("container.agent_binary", shape.agent_binary); !s.ok()) return s;
  for (const std::string& dir : shape.bind_dirs) {
    if (absl::Status s = CheckAbsolute("container.bind", dir); !s.ok()) return s;
  }
  for (const std::string& dir : shape.readonly_dirs) {
    if (absl::Status s = CheckAbsolute("container readonly dir", dir); !s.ok()) return s;
  }
  if (plan.domain_name.empty() || plan.fta_id.empty()) {
    return absl::InvalidArgumentError("container plan: name and FTA id are required");
  }
  if (absl::Status s = CheckAbsolute("container identity dir", plan.identity_dir); !s.ok()) return s;
  if (!plan.host_cores.empty() && static_cast<int>(plan.host_cores.size()) != shape.vcpus) {
    return absl::InvalidArgumentError(absl::StrCat("container plan: ", plan.host_cores.size(), " host cores for ",
                                                   shape.vcpus, " vCPUs"));
  }
  for (const std::string& device : plan.char_devices) {
    if (!absl::StartsWith(device, "/dev/")) {
      return absl::InvalidArgumentError(absl::StrCat("char device \"", device, "\" is not under /dev"));
    }
  }
  return absl::OkStatus();
}

std::string BindMount(const std::string& source, const std::string& target, bool readonly) {
  return absl::StrCat("    <filesystem type='mount' accessmode='passthrough'>\n      <source dir='",
                      EscapeMarkup(source), "'/>\n      <target dir='", EscapeMarkup(target), "'/>\n",
                      readonly ? "      <readonly/>\n" : "", "    </filesystem>\n");
}

}  // namespace

absl::StatusOr<std::string> BuildContainerXml(const ContainerTemplate& shape, const ContainerPlan& plan) {
  if (absl::Status status = CheckContainer(shape, plan); !status.ok()) return status;
  std::string xml = "<domain type='lxc'>\n";
  absl::StrAppend(&xml, "  <name>", EscapeMarkup(plan.domain_name), "</name>\n");
  absl::StrAppend(&xml, "  <metadata>\n    <", kFtaMetadataPrefix, ":guest xmlns:", kFtaMetadataPrefix, "='",
                  kFtaMetadataUri, "' id='", EscapeMarkup(plan.fta_id), "' owner='", EscapeMarkup(plan.owner),
                  "' kind='container'/>\n  </metadata>\n");
  absl::StrAppend(&xml, "  <memory unit='MiB'>", shape.memory_mib, "</memory>\n");
  // The LXC driver pins the whole container to <vcpu cpuset> and ignores
  // <vcpupin>; the vcpupin lines stay as the record adoption reads back
  // (PinnedCores), the same as for guests.
  absl::StrAppend(&xml, "  <vcpu placement='static'");
  if (!plan.host_cores.empty()) absl::StrAppend(&xml, " cpuset='", absl::StrJoin(plan.host_cores, ","), "'");
  absl::StrAppend(&xml, ">", shape.vcpus, "</vcpu>\n");
  absl::StrAppend(&xml, CpuTuneXml(plan.host_cores));
  // The identity (id, endpoint, token) is read from a file: nothing secret
  // in the init's argv, which every process on the host can read.
  absl::StrAppend(&xml, "  <os>\n    <type>exe</type>\n    <init>", EscapeMarkup(shape.agent_binary), "</init>\n",
                  "    <initarg>--identity</initarg>\n    <initarg>", kContainerIdentityDir,
                  "/identity</initarg>\n  </os>\n");
  // Without privnet (or an interface) the container shares the host's
  // network namespace.
  absl::StrAppend(&xml, "  <features>\n    <privnet/>\n  </features>\n");
  // The agent exiting ends the container; hostd notices and decides.
  absl::StrAppend(&xml, "  <on_poweroff>destroy</on_poweroff>\n  <on_reboot>destroy</on_reboot>\n",
                  "  <on_crash>destroy</on_crash>\n  <devices>\n");
  absl::StrAppend(&xml, BindMount("/", "/", /*readonly=*/true));
  // Mount order matters: /tmp first, so directories under it bound below
  // land inside the private tmpfs instead of being hidden by it.
  absl::StrAppend(&xml, "    <filesystem type='ram' accessmode='passthrough'>\n      <source usage='",
                  shape.tmp_mib, "' units='MiB'/>\n      <target dir='/tmp'/>\n    </filesystem>\n");
  absl::StrAppend(&xml, BindMount(plan.identity_dir, kContainerIdentityDir, /*readonly=*/true));
  for (const std::string& dir : shape.readonly_dirs) absl::StrAppend(&xml, BindMount(dir, dir, /*readonly=*/true));
  for (const std::string& dir : shape.bind_dirs) absl::StrAppend(&xml, BindMount(dir, dir, /*readonly=*/false));
  for (const std::string& device : plan.char_devices) {
    absl::StrAppend(&xml, "    <hostdev mode='capabilities' type='misc'>\n      <source>\n        <char>",
                    EscapeMarkup(device), "</char>\n      </source>\n    </hostdev>\n");
  }
  absl::StrAppend(&xml, "    <console type='pty'/>\n  </devices>\n</domain>\n");
  return xml;
}

}  // namespace fta::virt
