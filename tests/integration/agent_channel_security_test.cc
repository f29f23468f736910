// The agent channel against a real fta-hostd (label `security`): mutual TLS
// on a TCP endpoint (no certificate, another CA, a certificate for another
// id, a revoked one, a new CA added to the trust bundle), per-FTA tokens on a
// unix endpoint, no takeover of a connected FTA, size caps on hellos.
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "lib/core/clock.h"
#include "lib/pki/certificate_authority.h"
#include "tests/integration/hostd_harness.h"
#include "tests/integration/job_fixture.h"
#include "tests/integration/security_fixture.h"

namespace fta::testing {
namespace {

using grpc::StatusCode;

class TlsEndpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    target_ = "127.0.0.1:" + std::to_string(FreeTcpPort());
    std::ofstream(root_.path() + "/hostd.toml") << "[agents]\ntls_refresh_s = 1\nhello_timeout_s = 5\n";
    hostd_ = std::make_unique<HostdProcess>(
        root_.path(), std::vector<std::string>{"--config", root_.path() + "/hostd.toml", "--agent-listen", target_});
    ASSERT_TRUE(hostd_->Start());
    absl::StatusOr<std::unique_ptr<pki::CertificateAuthority>> ca =
        pki::CertificateAuthority::LoadOrCreate(hostd_->state_dir() + "/pki", &clock_);
    ASSERT_TRUE(ca.ok()) << ca.status();
    ca_ = std::move(*ca);
  }
  void TearDown() override {
    if (HasFailure()) std::cerr << "---- fta-hostd log ----\n" << hostd_->log();
    ReleaseAllAndStop(*hostd_);
  }

  // TLS material as the daemon's own CA would issue it for `fta_id`.
  ClientTls IssuedFor(const std::string& fta_id, pki::CertificateAuthority* ca = nullptr) {
    absl::StatusOr<pki::IssuedCertificate> cert = (ca ? ca : ca_.get())->IssueClient(fta_id);
    EXPECT_TRUE(cert.ok()) << cert.status();
    return ClientTls{ca_->ca_pem(), cert.ok() ? cert->cert_pem : "", cert.ok() ? cert->key_pem : ""};
  }
  std::string CredentialsOf(const std::string& fta_id, const std::string& file) {
    std::string text = Slurp(hostd_->state_dir() + "/agents/" + fta_id + "/" + file);
    if (file == "token" && !text.empty()) text.pop_back();
    return text;
  }
  fta::v1::Fta Get(const std::string& id) {
    fta::v1::GetFtaRequest request;
    request.set_id(id);
    fta::v1::Fta fta;
    auto context = ContextWithDeadline(30);
    EXPECT_TRUE(hostd_->ftas().GetFta(context.get(), request, &fta).ok());
    return fta;
  }

  RealClock clock_;
  TempDir root_;
  std::string target_;
  std::unique_ptr<HostdProcess> hostd_;
  std::unique_ptr<pki::CertificateAuthority> ca_;
};

TEST_F(TlsEndpointTest, RealAgentsConnectOverMutualTlsWithTheirSecretsOnNoCommandLine) {
  std::vector<fta::v1::Fta> ftas = AllocateFtas(*hostd_, 2);
  ASSERT_EQ(ftas.size(), 2u);
  std::string tokens[2];
  for (int i = 0; i < 2; ++i) {
    const fta::v1::Fta& fta = ftas[i];
    EXPECT_EQ(fta.state(), fta::v1::FTA_STATE_READY);
    tokens[i] = CredentialsOf(fta.id(), "token");
    ASSERT_EQ(tokens[i].size(), 64u);
    EXPECT_EQ(pki::FtaIdOfCertificate(CredentialsOf(fta.id(), "cert.pem")), fta.id());
    std::string cmdline = Slurp("/proc/" + std::to_string(fta.pid()) + "/cmdline");
    EXPECT_NE(cmdline.find("--credentials"), std::string::npos) << cmdline;
    EXPECT_EQ(cmdline.find(tokens[i]), std::string::npos) << "token on the command line";
    EXPECT_EQ(cmdline.find("--insecure-tcp"), std::string::npos);
  }
  EXPECT_NE(tokens[0], tokens[1]);  // one secret per FTA
  EXPECT_NE(hostd_->log().find("mutual TLS on " + target_), std::string::npos);
}

TEST_F(TlsEndpointTest, ConnectionsWithoutAValidClientCertificateAreRefused) {
  absl::StatusOr<std::unique_ptr<pki::CertificateAuthority>> other =
      pki::CertificateAuthority::LoadOrCreate(root_.path() + "/other-ca", &clock_);
  ASSERT_TRUE(other.ok());
  const fta::agent::v1::AgentHello hello = Hello("fta-ghost");
  ClientTls trusting_other = IssuedFor("fta-ghost");
  trusting_other.ca_pem = (*other)->ca_pem();
  // Reaching the registry proves the handshake passed: a valid certificate
  // for an id without credentials gets "wrong token".
  grpc::Status valid = SayHello(AgentChannel(target_, IssuedFor("fta-ghost")), hello);
  EXPECT_EQ(valid.error_code(), StatusCode::PERMISSION_DENIED) << valid.error_message();

  struct Case {
    const char* name;
    ClientTls tls;
  } cases[] = {
      {"plaintext", ClientTls{}},
      {"TLS without a client certificate", ClientTls{ca_->ca_pem(), "", ""}},
      {"a client certificate of another CA", IssuedFor("fta-ghost", other->get())},
      // The agent's side: a server whose certificate its CA did not sign.
      {"an agent trusting another CA", trusting_other},
  };
  for (const Case& each : cases) {
    grpc::Status status = SayHello(AgentChannel(target_, each.tls), hello);
    EXPECT_EQ(status.error_code(), StatusCode::UNAVAILABLE) << each.name << ": " << status.error_message();
  }
  // The daemon is unharmed and still takes real agents.
  EXPECT_EQ(AllocateFtas(*hostd_, 1).size(), 1u);
}

TEST_F(TlsEndpointTest, AnAgentSpeaksOnlyForItsCertificatesIdAndNeverTakesOverAConnectedFta) {
  std::vector<fta::v1::Fta> ftas = AllocateFtas(*hostd_, 1);
  ASSERT_EQ(ftas.size(), 1u);
  const std::string id = ftas[0].id();
  const std::string token = CredentialsOf(id, "token");
  // A stolen token is not enough: the certificate names another FTA.
  grpc::Status other_id = SayHello(AgentChannel(target_, IssuedFor("fta-ghost")), Hello(id, token));
  EXPECT_EQ(other_id.error_code(), StatusCode::PERMISSION_DENIED) << other_id.error_message();
  EXPECT_NE(other_id.error_message().find("certificate is for fta-ghost"), std::string::npos);
  // All of the FTA's credentials copied: still no takeover of the live stream.
  ClientTls stolen{CredentialsOf(id, "ca.pem"), CredentialsOf(id, "cert.pem"), CredentialsOf(id, "key.pem")};
  grpc::Status second = SayHello(AgentChannel(target_, stolen), Hello(id, token));
  EXPECT_EQ(second.error_code(), StatusCode::ALREADY_EXISTS) << second.error_message();
  // The real agent kept its stream: its FTA is ready and runs a job.
  EXPECT_EQ(Get(id).state(), fta::v1::FTA_STATE_READY);
  std::string data = root_.path() + "/data";
  std::filesystem::create_directories(data);
  fta::v1::Job job = RunToEnd(hostd_->jobs(), WriteReadRequest(data, "64k", "256k"));
  EXPECT_EQ(job.state(), fta::v1::JOB_STATE_COMPLETED) << job.error();
}

TEST_F(TlsEndpointTest, RevokedCertificateIsRefusedWithoutARestart) {
  ClientTls tls = IssuedFor("fta-ghost");
  const fta::agent::v1::AgentHello hello = Hello("fta-ghost");
  ASSERT_EQ(SayHello(AgentChannel(target_, tls), hello).error_code(), StatusCode::PERMISSION_DENIED);
  std::string cert_file = root_.path() + "/ghost.pem";
  std::ofstream(cert_file) << tls.cert_pem;
  CommandResult revoked =
      RunCommand({HostdBinary(), "--state-dir", hostd_->state_dir(), "--revoke-cert", cert_file});
  ASSERT_EQ(revoked.exit_code, 0) << revoked.err;
  grpc::Status status = HelloUntil(target_, tls, hello, StatusCode::UNAVAILABLE);
  EXPECT_EQ(status.error_code(), StatusCode::UNAVAILABLE) << status.error_message();
  // Others of the same CA still pass.
  EXPECT_EQ(SayHello(AgentChannel(target_, IssuedFor("fta-other")), Hello("fta-other")).error_code(),
            StatusCode::PERMISSION_DENIED);
  // Revoking what this CA did not issue is refused, naming why.
  std::ofstream(root_.path() + "/junk.pem") << "junk";
  CommandResult junk =
      RunCommand({HostdBinary(), "--state-dir", hostd_->state_dir(), "--revoke-cert", root_.path() + "/junk.pem"});
  EXPECT_NE(junk.exit_code, 0);
  EXPECT_NE(junk.err.find("not a PEM certificate"), std::string::npos) << junk.err;
}

TEST_F(TlsEndpointTest, ANewClientCaIsTrustedOnceInTheBundleWithoutARestart) {
  absl::StatusOr<std::unique_ptr<pki::CertificateAuthority>> next =
      pki::CertificateAuthority::LoadOrCreate(root_.path() + "/next-ca", &clock_);
  ASSERT_TRUE(next.ok());
  ClientTls tls = IssuedFor("fta-ghost", next->get());
  const fta::agent::v1::AgentHello hello = Hello("fta-ghost");
  ASSERT_EQ(SayHello(AgentChannel(target_, tls), hello).error_code(), StatusCode::UNAVAILABLE);
  // Rotation: the new CA's CRL first, then its certificate into the bundle.
  ASSERT_TRUE((*next)->EnsureCrl(hostd_->state_dir() + "/pki/crl").ok());
  std::ofstream(hostd_->state_dir() + "/pki/trusted-clients.pem", std::ios::app) << (*next)->ca_pem();
  grpc::Status status = HelloUntil(target_, tls, hello, StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(status.error_code(), StatusCode::PERMISSION_DENIED) << status.error_message();
}

TEST_F(TlsEndpointTest, AnOversizedHelloIsRefusedAndEchoedShort) {
  std::string huge(1 << 20, 'x');
  grpc::Status status = SayHello(AgentChannel(target_, IssuedFor("fta-ghost")), Hello(huge));
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_LT(status.error_message().size(), 300u);
  EXPECT_NE(status.error_message().find("(1048576 bytes)"), std::string::npos) << status.error_message();
  fta::agent::v1::AgentHello long_host = Hello("fta-ghost");
  long_host.set_hostname(std::string(100000, 'h'));
  EXPECT_EQ(SayHello(AgentChannel(target_, IssuedFor("fta-ghost")), long_host).error_code(),
            StatusCode::INVALID_ARGUMENT);
  std::istringstream log(hostd_->log());
  size_t longest = 0;
  for (std::string line; std::getline(log, line);) longest = std::max(longest, line.size());
  EXPECT_LT(longest, 4096u);
}

// The unix endpoint (process FTAs on one host): no TLS, one token per FTA.
class UnixEndpointTest : public HostdJobTest {};

TEST_F(UnixEndpointTest, EachFtaHasItsOwnTokenAndAConnectedIdIsNotTakenOver) {
  std::vector<fta::v1::Fta> ftas = Allocate(2);
  ASSERT_EQ(ftas.size(), 2u);
  auto token_of = [&](const std::string& id) {
    std::string text = Slurp(hostd_->state_dir() + "/agents/" + id + "/token");
    if (!text.empty()) text.pop_back();
    return text;
  };
  const std::string target = "unix:" + root_.path() + "/agent.sock";
  grpc::Status crossed = SayHello(AgentChannel(target, {}), Hello(ftas[0].id(), token_of(ftas[1].id())));
  EXPECT_EQ(crossed.error_code(), StatusCode::PERMISSION_DENIED) << crossed.error_message();
  grpc::Status twice = SayHello(AgentChannel(target, {}), Hello(ftas[0].id(), token_of(ftas[0].id())));
  EXPECT_EQ(twice.error_code(), StatusCode::ALREADY_EXISTS) << twice.error_message();
  EXPECT_FALSE(std::filesystem::exists(hostd_->state_dir() + "/agent.token"));  // no shared secret any more
  // Released: its credentials go with it.
  CommandResult released = hostd_->Ftactl({"fta", "release", ftas[1].id()});
  ASSERT_EQ(released.exit_code, 0) << released.err;
  EXPECT_FALSE(std::filesystem::exists(hostd_->state_dir() + "/agents/" + ftas[1].id()));
}

}  // namespace
}  // namespace fta::testing
