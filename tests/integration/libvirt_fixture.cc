#include "tests/integration/libvirt_fixture.h"

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "tests/integration/hostd_harness.h"

namespace fta::testing {
namespace {

std::string ReplaceAll(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

}  // namespace

std::string StartPrivateLibvirtd(const std::string& dir, std::string* uri) {
  CommandResult daemon = RunCommand({std::string(FTA_SOURCE_DIR) + "/tests/integration/vm/private-libvirtd.sh", "start", dir});
  if (daemon.exit_code == 0) {
    *uri = daemon.out.substr(0, daemon.out.find('\n'));
    return "";
  }
  return "starting the private libvirtd failed:\n" + daemon.out + daemon.err;
}

void StopPrivateLibvirtd(const std::string& dir) {
  if (!dir.empty()) RunCommand({std::string(FTA_SOURCE_DIR) + "/tests/integration/vm/private-libvirtd.sh", "stop", dir});
}

TempDir* PrivateLibvirtdTest::suite_root_ = nullptr;
std::string PrivateLibvirtdTest::libvirt_dir_;
std::string PrivateLibvirtdTest::uri_;
std::string PrivateLibvirtdTest::setup_error_;

void PrivateLibvirtdTest::StartLibvirtd() {
  suite_root_ = new TempDir();
  libvirt_dir_ = suite_root_->path() + "/libvirt";
  setup_error_ = StartPrivateLibvirtd(libvirt_dir_, &uri_);
}

void PrivateLibvirtdTest::TearDownTestSuite() {
  StopPrivateLibvirtd(libvirt_dir_);
  delete suite_root_;
  suite_root_ = nullptr;
}

void PrivateLibvirtdTest::ConnectToLibvirtd() {
  ASSERT_TRUE(setup_error_.empty()) << setup_error_;
  connection_ = virConnectOpen(uri_.c_str());
  ASSERT_NE(connection_, nullptr) << "cannot open " << uri_ << ": " << virGetLastErrorMessage();
}

void PrivateLibvirtdTest::TearDown() {
  if (connection_ != nullptr) virConnectClose(connection_);
  connection_ = nullptr;
}

std::vector<fta::v1::Fta> AllocateFtas(fta::v1::FtaService::Stub& ftas, int count, fta::v1::FtaKind kind,
                                       int connect_timeout_s, grpc::Status* status) {
  fta::v1::AllocateFtasRequest request;
  request.set_count(count);
  request.set_kind(kind);
  request.set_connect_timeout_s(connect_timeout_s);
  fta::v1::AllocateFtasResponse response;
  auto context = ContextWithDeadline(connect_timeout_s + 60);
  *status = ftas.AllocateFtas(context.get(), request, &response);
  return {response.ftas().begin(), response.ftas().end()};
}

TimedAllocation AllocateReady(fta::v1::FtaService::Stub& ftas, int count, fta::v1::FtaKind kind,
                              fta::v1::Backend backend, int connect_timeout_s) {
  TimedAllocation allocation;
  auto start = std::chrono::steady_clock::now();
  grpc::Status status;
  allocation.ftas = AllocateFtas(ftas, count, kind, connect_timeout_s, &status);
  allocation.seconds = SecondsSince(start);
  if (!status.ok()) ADD_FAILURE() << "allocating " << count << ": " << status.error_message();
  if (static_cast<int>(allocation.ftas.size()) != count) ADD_FAILURE() << allocation.ftas.size() << " FTAs allocated";
  for (const fta::v1::Fta& fta : allocation.ftas) {
    EXPECT_EQ(fta.kind(), kind) << fta.id();
    EXPECT_EQ(fta.backend(), backend) << fta.id();
    EXPECT_EQ(fta.state(), fta::v1::FTA_STATE_READY) << fta.id();
    allocation.start_to_connected_seconds.push_back((fta.connected_unix_ms() - fta.created_unix_ms()) / 1000.0);
  }
  return allocation;
}

grpc::Status ReleaseFtas(fta::v1::FtaService::Stub& ftas, const std::vector<std::string>& ids) {
  fta::v1::ReleaseFtasRequest release;
  for (const std::string& id : ids) release.add_ids(id);
  release.set_all(ids.empty());
  fta::v1::ReleaseFtasResponse released;
  auto context = ContextWithDeadline(120);
  return ftas.ReleaseFtas(context.get(), release, &released);
}

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

::testing::AssertionResult RestartAndReadopt(const std::function<std::unique_ptr<HostdProcess>()>& start,
                                             std::unique_ptr<HostdProcess>* hostd, const std::string& fta_id,
                                             int timeout_s, double* seconds) {
  auto restart = std::chrono::steady_clock::now();
  *hostd = start();
  if (*hostd == nullptr) return ::testing::AssertionFailure() << "fta-hostd did not restart";
  fta::v1::WaitFtasReadyRequest wait;
  wait.add_ids(fta_id);
  wait.set_timeout_s(timeout_s);
  fta::v1::WaitFtasReadyResponse ready;
  auto context = ContextWithDeadline(timeout_s + 60);
  grpc::Status waited = (*hostd)->ftas().WaitFtasReady(context.get(), wait, &ready);
  *seconds = SecondsSince(restart);
  if (!waited.ok()) return ::testing::AssertionFailure() << "WaitFtasReady: " << waited.error_message();
  if (ready.ftas_size() != 1 || ready.ftas(0).state() != fta::v1::FTA_STATE_READY) {
    return ::testing::AssertionFailure() << fta_id << " is not READY after the restart";
  }
  if ((*hostd)->log().find("adopted " + fta_id) == std::string::npos) {
    return ::testing::AssertionFailure() << fta_id << " was not adopted:\n" << (*hostd)->log();
  }
  return ::testing::AssertionSuccess();
}

}  // namespace fta::testing
