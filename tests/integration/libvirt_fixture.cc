#include "tests/integration/libvirt_fixture.h"

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

namespace fta::testing {
namespace {

std::string ReplaceAll(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

}  // namespace

std::vector<std::string> DomainNames(virConnectPtr connection) {
  std::vector<std::string> names;
  virDomainPtr* domains = nullptr;
  int count = virConnectListAllDomains(connection, &domains, 0);
  for (int i = 0; i < count; ++i) {
    names.push_back(virDomainGetName(domains[i]));
    virDomainFree(domains[i]);
  }
  free(domains);
  return names;
}

::testing::AssertionResult DefineOrphanCopy(virConnectPtr connection, const std::string& fta_id,
                                            const std::string& orphan_id) {
  virDomainPtr domain = virDomainLookupByName(connection, ("fta-" + fta_id).c_str());
  if (!domain) return ::testing::AssertionFailure() << "no domain fta-" << fta_id;
  char* text = virDomainGetXMLDesc(domain, VIR_DOMAIN_XML_INACTIVE);
  std::string xml = text ? text : "";
  free(text);
  virDomainFree(domain);
  xml = ReplaceAll(xml, "fta-" + fta_id + "<", "fta-" + orphan_id + "<");
  xml = ReplaceAll(xml, "id=\"" + fta_id + "\"", "id=\"" + orphan_id + "\"");
  size_t uuid = xml.find("<uuid>");
  if (uuid == std::string::npos) return ::testing::AssertionFailure() << "no <uuid> in\n" << xml;
  xml.erase(uuid, xml.find("</uuid>") + 7 - uuid);
  virDomainPtr orphan = virDomainDefineXML(connection, xml.c_str());
  if (!orphan) return ::testing::AssertionFailure() << "defining the orphan: " << virGetLastErrorMessage();
  virDomainFree(orphan);
  return ::testing::AssertionSuccess();
}

}  // namespace fta::testing
