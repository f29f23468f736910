// Domain XML for the guest template: golden files (tests/data/virt; rerun
// with FTA_UPDATE_GOLDEN=1 to rewrite them after an intended change) and
// libvirt's own schema through virt-xml-validate.
#include "lib/virt/domain_xml.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "lib/core/file_text.h"
#include "lib/core/run_tool.h"

namespace fta::virt {
namespace {

// virt-xml-validate FILE domain; returns its exit status (-1: not run).
int Validate(const std::string& xml, std::string* output) {
  std::string dir = std::filesystem::temp_directory_path() / "fta-domain-xml-XXXXXX";
  if (!mkdtemp(dir.data())) return -1;
  std::string file = dir + "/domain.xml";
  std::ofstream(file) << xml;
  absl::StatusOr<ToolResult> result = RunTool({"virt-xml-validate", file, "domain"});
  std::filesystem::remove_all(dir);
  if (!result.ok()) {
    *output = std::string(result.status().message());
    return -1;
  }
  *output = result->output;
  return result->exit_code;
}

GuestTemplate DirectBootTemplate() {
  GuestTemplate guest;
  guest.vcpus = 1;
  guest.memory_mib = 4096;
  guest.disk_gib = 20;
  guest.kernel = "/var/lib/fta-hostd/guest/vmlinuz";
  guest.initrd = "/var/lib/fta-hostd/guest/initrd.img";
  guest.cmdline = "console=ttyS0 quiet";
  guest.domain_type = "kvm";
  guest.network = "user";
  return guest;
}

DomainPlan PlanFor(const std::string& fta_id) {
  DomainPlan plan;
  plan.domain_name = "fta-" + fta_id;
  plan.fta_id = fta_id;
  plan.owner = "fta-hostd:/var/lib/fta-hostd";
  plan.overlay_path = "/var/lib/fta-hostd/guests/" + fta_id + ".qcow2";
  plan.console_log = "/var/lib/fta-hostd/logs/" + fta_id + ".console.log";
  plan.host_cores = {3};
  plan.agent_endpoint = "10.0.2.2:7070";
  return plan;
}

void ExpectGolden(const std::string& xml, const std::string& name) {
  std::string path = std::string(FTA_TEST_DATA_DIR) + "/virt/" + name;
  if (std::getenv("FTA_UPDATE_GOLDEN")) std::ofstream(path) << xml;
  EXPECT_EQ(xml, ReadFileOrEmpty(path)) << "golden file " << path << " differs";
}

TEST(DomainXmlTest, DirectBootWithoutVfMatchesGoldenAndSchema) {
  absl::StatusOr<std::string> xml = BuildDomainXml(DirectBootTemplate(), PlanFor("fta-1"));
  ASSERT_TRUE(xml.ok()) << xml.status();
  ExpectGolden(*xml, "domain_direct_boot.xml");
  EXPECT_EQ(xml->find("<hostdev"), std::string::npos);
  EXPECT_EQ(xml->find("cdrom"), std::string::npos);  // no seed in this plan
  EXPECT_NE(xml->find("<cmdline>console=ttyS0 quiet fta.id=fta-1 fta.connect=10.0.2.2:7070</cmdline>"),
            std::string::npos);
  EXPECT_EQ(xml->find("token"), std::string::npos);  // secrets never go on the command line or SMBIOS
  std::string output;
  EXPECT_EQ(Validate(*xml, &output), 0) << output;
  // With a seed (the FTA's secrets): a read-only virtio disk, not a CD-ROM.
  DomainPlan seeded = PlanFor("fta-1");
  seeded.seed_iso_path = "/var/lib/fta-hostd/guests/fta-1.seed.iso";
  absl::StatusOr<std::string> with_seed = BuildDomainXml(DirectBootTemplate(), seeded);
  ASSERT_TRUE(with_seed.ok()) << with_seed.status();
  EXPECT_NE(with_seed->find("<source file='/var/lib/fta-hostd/guests/fta-1.seed.iso'/>\n"
                            "      <target dev='vdb' bus='virtio'/>\n      <readonly/>"),
            std::string::npos)
      << *with_seed;
  EXPECT_EQ(Validate(*with_seed, &output), 0) << output;
}

TEST(DomainXmlTest, ImageBootWithVfPinningAndNumaMatchesGoldenAndSchema) {
  GuestTemplate guest = DirectBootTemplate();
  guest.kernel.clear();
  guest.initrd.clear();
  guest.base_image = "/var/lib/fta-hostd/images/fta-guest.qcow2";
  DomainPlan plan = PlanFor("fta-2");
  plan.vf_pci_address = "0000:03:00.1";
  plan.numa_node = 1;
  plan.seed_iso_path = "/var/lib/fta-hostd/guests/fta-2.seed.iso";
  absl::StatusOr<std::string> xml = BuildDomainXml(guest, plan);
  ASSERT_TRUE(xml.ok()) << xml.status();
  ExpectGolden(*xml, "domain_image_with_vf.xml");
  EXPECT_NE(xml->find("<hostdev mode='subsystem' type='pci' managed='yes'>"), std::string::npos);
  EXPECT_NE(xml->find("<address domain='0x0000' bus='0x03' slot='0x00' function='0x1'/>"), std::string::npos);
  EXPECT_NE(xml->find("<memory mode='strict' nodeset='1'/>"), std::string::npos);
  EXPECT_NE(xml->find("<boot dev='hd'/>"), std::string::npos);
  EXPECT_NE(xml->find("<disk type='file' device='cdrom'>"), std::string::npos);
  EXPECT_NE(xml->find("<source file='/var/lib/fta-hostd/guests/fta-2.seed.iso'/>"), std::string::npos);
  std::string output;
  EXPECT_EQ(Validate(*xml, &output), 0) << output;
}

TEST(DomainXmlTest, MetadataAndPinningReadBack) {
  DomainPlan plan = PlanFor("fta-7");
  plan.owner = "fta-hostd:/tmp/a'b&c";
  absl::StatusOr<std::string> xml = BuildDomainXml(DirectBootTemplate(), plan);
  ASSERT_TRUE(xml.ok());
  EXPECT_EQ(MetadataAttribute(*xml, "id"), "fta-7");
  EXPECT_EQ(MetadataAttribute(*xml, "owner"), "fta-hostd:/tmp/a'b&c");
  // libvirt hands the element back with double quotes.
  EXPECT_EQ(MetadataAttribute("<guest id=\"fta-9\" owner=\"x&amp;y\"/>", "owner"), "x&y");
  EXPECT_EQ(PinnedCores(*xml), std::vector<int>{3});
}

TEST(DomainXmlTest, RejectsBadInputNamingTheField) {
  DomainPlan plan = PlanFor("fta-1");
  plan.vf_pci_address = "03:00.1";
  absl::StatusOr<std::string> xml = BuildDomainXml(DirectBootTemplate(), plan);
  EXPECT_EQ(xml.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(xml.status().message().find("vf_pci_address"), std::string::npos);

  GuestTemplate neither = DirectBootTemplate();
  neither.kernel.clear();
  EXPECT_EQ(BuildDomainXml(neither, PlanFor("fta-1")).status().code(), absl::StatusCode::kInvalidArgument);

  GuestTemplate bad_network = DirectBootTemplate();
  bad_network.network = "wifi";
  absl::StatusOr<std::string> network = BuildDomainXml(bad_network, PlanFor("fta-1"));
  EXPECT_NE(network.status().message().find("guest.network"), std::string::npos);

  DomainPlan two_cores = PlanFor("fta-1");
  two_cores.host_cores = {1, 2};
  EXPECT_EQ(BuildDomainXml(DirectBootTemplate(), two_cores).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace fta::virt
