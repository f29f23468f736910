// Container domain XML: what the LXC driver must be told (exe init with the
// identity file, read-only root, private /tmp before binds under it,
// privnet, pinning, metadata, char devices), refusals naming the field, and
// libvirt's own schema through virt-xml-validate.
#include "lib/virt/lxc_domain_xml.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "lib/core/run_tool.h"
#include "lib/virt/domain_xml.h"

namespace fta::virt {
namespace {

ContainerTemplate Shape() {
  ContainerTemplate shape;
  shape.memory_mib = 512;
  shape.tmp_mib = 128;
  shape.agent_binary = "/usr/lib/fta-host/fta-agent";
  shape.bind_dirs = {"/tmp/jobs/data", "/scratch"};
  shape.readonly_dirs = {"/run/fta-hostd"};
  return shape;
}

ContainerPlan Plan() {
  ContainerPlan plan;
  plan.domain_name = "fta-fta-3";
  plan.fta_id = "fta-3";
  plan.owner = "fta-hostd:/var/lib/fta-hostd";
  plan.host_cores = {1};
  plan.identity_dir = "/var/lib/fta-hostd/containers/fta-3";
  return plan;
}

size_t At(const std::string& xml, const std::string& needle) {
  size_t at = xml.find(needle);
  EXPECT_NE(at, std::string::npos) << "missing: " << needle << "\n" << xml;
  return at;
}

TEST(LxcDomainXmlTest, RunsTheAgentAsInitWithItsIdentityFromAFileOnAReadOnlyRoot) {
  absl::StatusOr<std::string> xml = BuildContainerXml(Shape(), Plan());
  ASSERT_TRUE(xml.ok()) << xml.status();
  At(*xml, "<domain type='lxc'>");
  At(*xml, "<type>exe</type>");
  At(*xml, "<init>/usr/lib/fta-host/fta-agent</init>");
  At(*xml, "<initarg>--identity</initarg>");
  At(*xml, "<initarg>/run/fta-agent/identity</initarg>");
  EXPECT_EQ(xml->find("token"), std::string::npos) << "no secret in the domain XML";
  At(*xml, "<memory unit='MiB'>512</memory>");
  At(*xml, "<vcpu placement='static' cpuset='1'>1</vcpu>");  // what LXC applies
  At(*xml, "<vcpupin vcpu='0' cpuset='1'/>");                  // what adoption reads
  At(*xml, "<privnet/>");
  At(*xml, "id='fta-3' owner='fta-hostd:/var/lib/fta-hostd'");
  EXPECT_EQ(MetadataAttribute(*xml, "id"), "fta-3");
  EXPECT_EQ(PinnedCores(*xml), std::vector<int>{1});
  // Root read-only; identity read-only; job data read-write.
  size_t root = At(*xml, "<source dir='/'/>\n      <target dir='/'/>\n      <readonly/>");
  size_t tmp = At(*xml, "<source usage='128' units='MiB'/>\n      <target dir='/tmp'/>");
  At(*xml, "<source dir='/var/lib/fta-hostd/containers/fta-3'/>\n      <target dir='/run/fta-agent'/>\n      <readonly/>");
  At(*xml, "<source dir='/run/fta-hostd'/>\n      <target dir='/run/fta-hostd'/>\n      <readonly/>");
  size_t data = At(*xml, "<source dir='/tmp/jobs/data'/>\n      <target dir='/tmp/jobs/data'/>\n    </filesystem>");
  // /tmp is mounted before the binds under it, or it would hide them.
  EXPECT_LT(root, tmp);
  EXPECT_LT(tmp, data);
  EXPECT_EQ(xml->find("<hostdev"), std::string::npos);
}

TEST(LxcDomainXmlTest, PassesVerbsCharDevicesAndLeavesCoresUnpinnedWhenNoneAreGiven) {
  ContainerPlan plan = Plan();
  plan.host_cores.clear();
  plan.char_devices = {"/dev/infiniband/uverbs3", "/dev/infiniband/rdma_cm"};
  absl::StatusOr<std::string> xml = BuildContainerXml(Shape(), plan);
  ASSERT_TRUE(xml.ok()) << xml.status();
  At(*xml, "<hostdev mode='capabilities' type='misc'>\n      <source>\n        <char>/dev/infiniband/uverbs3</char>");
  At(*xml, "<char>/dev/infiniband/rdma_cm</char>");
  EXPECT_EQ(xml->find("<cputune>"), std::string::npos);
  At(*xml, "<vcpu placement='static'>1</vcpu>");
}

TEST(LxcDomainXmlTest, RefusesBadShapesNamingTheField) {
  struct Case {
    std::function<void(ContainerTemplate*, ContainerPlan*)> change;
    std::string field;
  };
  const Case cases[] = {
      {[](ContainerTemplate* s, ContainerPlan*) { s->memory_mib = 8; }, "container.memory_mib"},
      {[](ContainerTemplate* s, ContainerPlan*) { s->tmp_mib = 0; }, "container.tmp_mib"},
      {[](ContainerTemplate* s, ContainerPlan*) { s->agent_binary = "fta-agent"; }, "container.agent_binary"},
      {[](ContainerTemplate* s, ContainerPlan*) { s->bind_dirs = {"data"}; }, "container.bind"},
      {[](ContainerTemplate*, ContainerPlan* p) { p->host_cores = {1, 2}; }, "2 host cores for 1 vCPUs"},
      {[](ContainerTemplate*, ContainerPlan* p) { p->char_devices = {"/etc/passwd"}; }, "not under /dev"},
      {[](ContainerTemplate*, ContainerPlan* p) { p->identity_dir = ""; }, "identity dir"},
  };
  for (const Case& c : cases) {
    ContainerTemplate shape = Shape();
    ContainerPlan plan = Plan();
    c.change(&shape, &plan);
    absl::StatusOr<std::string> xml = BuildContainerXml(shape, plan);
    ASSERT_FALSE(xml.ok()) << c.field;
    EXPECT_EQ(xml.status().code(), absl::StatusCode::kInvalidArgument) << c.field;
    EXPECT_NE(xml.status().message().find(c.field), std::string::npos) << xml.status();
  }
}

TEST(LxcDomainXmlTest, EscapesPathsAndPassesLibvirtsSchema) {
  ContainerTemplate shape = Shape();
  shape.bind_dirs = {"/data/a'b&c"};
  ContainerPlan plan = Plan();
  plan.char_devices = {"/dev/infiniband/uverbs0"};
  absl::StatusOr<std::string> xml = BuildContainerXml(shape, plan);
  ASSERT_TRUE(xml.ok()) << xml.status();
  At(*xml, "<source dir='/data/a&#39;b&amp;c'/>");
  std::string dir = std::filesystem::temp_directory_path() / "fta-lxc-xml-XXXXXX";
  ASSERT_NE(mkdtemp(dir.data()), nullptr);
  std::ofstream(dir + "/domain.xml") << *xml;
  absl::StatusOr<ToolResult> result = RunTool({"virt-xml-validate", dir + "/domain.xml", "domain"});
  std::filesystem::remove_all(dir);
  if (!result.ok()) GTEST_SKIP() << "virt-xml-validate is not installed: " << result.status();
  EXPECT_EQ(result->exit_code, 0) << result->output << "\n" << *xml;
}

}  // namespace
}  // namespace fta::virt
