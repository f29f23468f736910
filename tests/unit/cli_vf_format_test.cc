// ftactl's table views of the VF pool: `vf list` and the PF part of `host show`.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "lib/cli/format.h"
#include "lib/cli/vf_format.h"
#include "tests/unit/fakes/text_matchers.h"

namespace fta::cli {
namespace {

using ::testing::HasSubstr;
using fta::testing::HasSubstrs;
using ::testing::Not;

v1::ListVfsResponse TwoVfs() {
  v1::ListVfsResponse response;
  response.set_sysfs_root("/sys");
  response.set_status("2 VF(s) managed on 1 PF(s) under /sys: 1 used, 0 free, 1 unusable");
  v1::Vf* held = response.add_vfs();
  held->set_pci_address("0000:03:00.1");
  held->set_pf_pci_address("0000:03:00.0");
  held->set_pf_ib_device("mlx5_0");
  held->set_index(0);
  held->set_numa_node(1);
  held->set_driver("mlx5_core");
  held->set_node_guid("02:c9:fa:00:03:00:00:00");
  held->set_port_guid("02:c9:fa:00:03:00:00:01");
  held->set_guid_state(v1::GUID_STATE_ACCEPTED);
  held->set_port_state(v1::PORT_STATE_ACTIVE);
  held->set_managed(true);
  held->set_healthy(true);
  held->set_owner_fta("fta-7");
  v1::Vf* skipped = response.add_vfs();
  skipped->set_pci_address("0000:03:00.2");
  skipped->set_pf_pci_address("0000:03:00.0");
  skipped->set_index(1);
  skipped->set_numa_node(-1);
  skipped->set_managed(true);
  skipped->set_healthy(true);
  skipped->set_unusable("bound to pci-stub (not mlx5_core or vfio-pci): held by someone else");
  return response;
}

TEST(VfFormatTest, VfListHasOneRowPerVfAndTheStatus) {
  std::string text = RenderVfList(TwoVfs());
  EXPECT_THAT(text, HasSubstrs({"VF ", "OWNER", "0000:03:00.1  0000:03:00.0 (mlx5_0)",
                                "02:c9:fa:00:03:00:00:00", "accepted", "fta-7", "bound to pci-stub",
                                "2 VF(s) managed on 1 PF(s)"}));
  // Unknown NUMA node and missing GUIDs are "-", not "-1" or blanks.
  EXPECT_THAT(text, Not(HasSubstr("-1")));
}

TEST(VfFormatTest, NoVfsSaysWhy) {
  v1::ListVfsResponse response;
  response.set_sysfs_root("/sys");
  response.set_status("no SR-IOV device under /sys; FTAs run without a VF");
  EXPECT_EQ(RenderVfList(response),
            "no VFs under /sys\nno SR-IOV device under /sys; FTAs run without a VF\n");
}

TEST(VfFormatTest, HostShowListsPfsWithLinkRatesAndVfCounts) {
  v1::HostInfo host;
  host.set_sriov_status("8 VF(s) managed on 1 PF(s) under /sys: 3 used, 5 free");
  host.set_vfs_managed(8);
  host.set_vfs_used(3);
  host.set_vfs_free(5);
  v1::Pf* pf = host.add_pfs();
  pf->set_pci_address("0000:03:00.0");
  pf->set_ib_device("mlx5_0");
  pf->set_family(v1::DEVICE_FAMILY_MLX5);
  pf->set_numa_node(0);
  pf->set_num_vfs(8);
  pf->set_total_vfs(16);
  pf->set_vfs_used(3);
  pf->set_vfs_free(5);
  pf->set_managed(true);
  v1::IbPortInfo* port = pf->add_ports();
  port->set_port(1);
  port->set_state(v1::PORT_STATE_ACTIVE);
  port->set_rate("100 Gb/sec (4X EDR)");
  FormatOptions options;
  options.zone = absl::UTCTimeZone();
  std::string text = RenderHost(host, options);
  EXPECT_THAT(text, HasSubstrs({"3 used, 5 free of 8 managed", "Physical functions:", "0000:03:00.0", "8/16",
                                "1: ACTIVE 100 Gb/sec (4X EDR)"}));

  v1::HostInfo without;
  without.set_sriov_status("no SR-IOV device under /sys; FTAs run without a VF");
  EXPECT_THAT(RenderHost(without, options), Not(HasSubstr("Physical functions")));
  EXPECT_THAT(RenderHost(without, options), Not(HasSubstr("managed")));
}

TEST(VfFormatTest, DegradedFtaShowsWhy) {
  v1::Fta fta;
  fta.set_id("fta-2");
  fta.set_vf("0000:03:00.2");
  fta.set_degraded("VF 0000:03:00.2 disappeared");
  FormatOptions options;
  options.zone = absl::UTCTimeZone();
  EXPECT_THAT(RenderFtaDetail(fta, options), HasSubstr("Degraded:"));
  EXPECT_THAT(RenderFtaDetail(fta, options), HasSubstr("VF 0000:03:00.2 disappeared"));
}

}  // namespace
}  // namespace fta::cli
