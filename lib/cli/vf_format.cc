#include "lib/cli/vf_format.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "lib/cli/enum_words.h"
#include "lib/cli/table.h"

namespace fta::cli {
namespace {

std::string Dash(const std::string& text) { return text.empty() ? "-" : text; }
std::string Numa(int node) { return node < 0 ? "-" : absl::StrCat(node); }

}  // namespace

std::string RenderVfList(const v1::ListVfsResponse& response) {
  if (response.vfs().empty()) {
    return absl::StrCat("no VFs under ", Dash(response.sysfs_root()), "\n", Dash(response.status()), "\n");
  }
  Table table({"VF", "PF", "IDX", "NUMA", "DRIVER", "NODE GUID", "PORT GUID", "GUID", "PORT", "MANAGED",
               "OWNER", "NOTE"});
  table.AlignRight(2);
  table.AlignRight(3);
  for (const v1::Vf& vf : response.vfs()) {
    std::string pf = vf.pf_ib_device().empty()
                         ? vf.pf_pci_address()
                         : absl::StrCat(vf.pf_pci_address(), " (", vf.pf_ib_device(), ")");
    std::string note = vf.unusable();
    if (note.empty() && !vf.healthy() && vf.managed()) note = "port not active";
    table.AddRow({vf.pci_address(), pf, absl::StrCat(vf.index()), Numa(vf.numa_node()), Dash(vf.driver()),
                  Dash(vf.node_guid()), Dash(vf.port_guid()), Dash(GuidStateName(vf.guid_state())), Dash(PortStateName(vf.port_state())),
                  vf.managed() ? "yes" : "no", Dash(vf.owner_fta()), Dash(note)});
  }
  return absl::StrCat(table.Render(), Dash(response.status()), "\n");
}

std::string RenderPfSection(const google::protobuf::RepeatedPtrField<v1::Pf>& pfs) {
  if (pfs.empty()) return "";
  Table table({"PF", "IB", "FAMILY", "NUMA", "VFS", "USED", "FREE", "MANAGED", "PORTS"});
  table.AlignRight(3);
  table.AlignRight(5);
  table.AlignRight(6);
  for (const v1::Pf& pf : pfs) {
    std::vector<std::string> ports;
    for (const v1::IbPortInfo& port : pf.ports()) {
      std::string text = absl::StrCat(port.port(), ": ", Dash(PortStateName(port.state())), " ", Dash(port.rate()));
      // Only a disagreement is worth the column's width.
      if (port.verbs_state() != v1::PORT_STATE_UNSPECIFIED && port.verbs_state() != port.state()) {
        absl::StrAppend(&text, " (verbs: ", PortStateName(port.verbs_state()), ")");
      }
      ports.push_back(std::move(text));
    }
    std::string managed = !pf.error().empty() ? absl::StrCat("no (", pf.error(), ")")
                          : pf.managed()      ? "yes"
                                              : "no";
    table.AddRow({pf.pci_address(), Dash(pf.ib_device()), Dash(DeviceFamilyName(pf.family())), Numa(pf.numa_node()),
                  absl::StrCat(pf.num_vfs(), "/", pf.total_vfs()), absl::StrCat(pf.vfs_used()),
                  absl::StrCat(pf.vfs_free()), managed, ports.empty() ? "-" : absl::StrJoin(ports, ", ")});
  }
  return absl::StrCat("\nPhysical functions:\n", table.Render());
}

}  // namespace fta::cli
