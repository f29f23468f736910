// lib/pki: the agent CA, the certificates it issues, its CRLs (checked the
// way gRPC's TLS stack reads a CRL directory: OpenSSL's hash-dir lookup with
// CRL checking) and the per-FTA credentials directory.
#include "lib/pki/certificate_authority.h"

#include <sys/stat.h>

#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "lib/pki/agent_credentials.h"
#include "tests/unit/fakes/fake_clock.h"
#include "tests/unit/fakes/temp_dir.h"

namespace fta::pki {
namespace {

std::string ReadFile(const std::string& path) { return ReadCredentialFile(path).value_or(""); }

int Mode(const std::string& path) {
  struct stat info {};
  return stat(path.c_str(), &info) == 0 ? static_cast<int>(info.st_mode & 07777) : -1;
}

X509* Parse(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  return cert;
}

// X509_V_OK when `cert_pem` chains to `ca_pem` (client purpose); with
// `crl_dir`, CRLs are required and read from it by issuer hash.
int Verify(const std::string& cert_pem, const std::string& ca_pem, const std::string& crl_dir = "") {
  X509_STORE* store = X509_STORE_new();
  X509* ca = Parse(ca_pem);
  X509_STORE_add_cert(store, ca);
  if (!crl_dir.empty()) {
    X509_LOOKUP* lookup = X509_STORE_add_lookup(store, X509_LOOKUP_hash_dir());
    X509_LOOKUP_add_dir(lookup, crl_dir.c_str(), X509_FILETYPE_PEM);
    X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL);
  }
  X509* cert = Parse(cert_pem);
  X509_STORE_CTX* context = X509_STORE_CTX_new();
  X509_STORE_CTX_init(context, store, cert, nullptr);
  X509_STORE_CTX_set_purpose(context, X509_PURPOSE_SSL_CLIENT);
  int result = X509_verify_cert(context) == 1 ? X509_V_OK : X509_STORE_CTX_get_error(context);
  X509_STORE_CTX_free(context);
  X509_free(cert);
  X509_free(ca);
  X509_STORE_free(store);
  return result;
}

class CertificateAuthorityTest : public ::testing::Test {
 protected:
  // Certificates and CRLs are checked against the real time: the fake
  // stands an hour before it, frozen.
  testing::FakeClock clock_{absl::ZeroDuration(), absl::ToUnixNanos(absl::Now() - absl::Hours(1))};
  testing::TempDir temp_{"pki_test"};
  std::string dir_ = temp_.path() + "/pki";

  std::unique_ptr<CertificateAuthority> Ca() {
    absl::StatusOr<std::unique_ptr<CertificateAuthority>> ca = CertificateAuthority::LoadOrCreate(dir_, &clock_);
    EXPECT_TRUE(ca.ok()) << ca.status();
    return ca.ok() ? std::move(*ca) : nullptr;
  }
};

TEST_F(CertificateAuthorityTest, IsCreatedOnceWithAnOwnerOnlyKeyAndLoadedAfterwards) {
  auto first = Ca();
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(Mode(dir_ + "/ca.key"), 0600);
  EXPECT_EQ(Mode(dir_), 0700);
  EXPECT_EQ(ReadFile(dir_ + "/ca.pem"), first->ca_pem());
  auto second = Ca();
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(second->ca_pem(), first->ca_pem());
  // What the first issued, the second's CA certificate verifies.
  absl::StatusOr<IssuedCertificate> cert = first->IssueClient("fta-1");
  ASSERT_TRUE(cert.ok()) << cert.status();
  EXPECT_EQ(Verify(cert->cert_pem, second->ca_pem()), X509_V_OK);
}

TEST_F(CertificateAuthorityTest, AKeyWithoutItsCertificateIsAClearError) {
  ASSERT_NE(Ca(), nullptr);
  std::filesystem::remove(dir_ + "/ca.pem");
  absl::StatusOr<std::unique_ptr<CertificateAuthority>> ca = CertificateAuthority::LoadOrCreate(dir_, &clock_);
  ASSERT_FALSE(ca.ok());
  EXPECT_EQ(ca.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(std::string(ca.status().message()).find(dir_ + "/ca.pem is missing"), std::string::npos) << ca.status();
}

TEST_F(CertificateAuthorityTest, ClientCertificateSpeaksForItsFtaOnlyAndIsAClientCertificate) {
  auto ca = Ca();
  ASSERT_NE(ca, nullptr);
  absl::StatusOr<IssuedCertificate> cert = ca->IssueClient("fta-7");
  ASSERT_TRUE(cert.ok()) << cert.status();
  EXPECT_EQ(FtaIdOfCertificate(cert->cert_pem), "fta-7");
  EXPECT_EQ(Verify(cert->cert_pem, ca->ca_pem()), X509_V_OK);
  X509* parsed = Parse(cert->cert_pem);
  EXPECT_EQ(X509_check_purpose(parsed, X509_PURPOSE_SSL_SERVER, 0), 0);  // not usable as a server
  X509_free(parsed);
  // Another CA's certificate does not verify against this one.
  CertificateAuthority* other = nullptr;
  absl::StatusOr<std::unique_ptr<CertificateAuthority>> made =
      CertificateAuthority::LoadOrCreate(temp_.path() + "/other", &clock_);
  ASSERT_TRUE(made.ok());
  other = made->get();
  EXPECT_NE(Verify(cert->cert_pem, other->ca_pem()), X509_V_OK);
}

TEST_F(CertificateAuthorityTest, ServerCertificateNamesEveryHostAndAddress) {
  auto ca = Ca();
  ASSERT_NE(ca, nullptr);
  absl::StatusOr<IssuedCertificate> cert = ca->IssueServer({"localhost", "127.0.0.1", "10.0.2.2", "::1"});
  ASSERT_TRUE(cert.ok()) << cert.status();
  X509* parsed = Parse(cert->cert_pem);
  EXPECT_EQ(X509_check_host(parsed, "localhost", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_ip_asc(parsed, "10.0.2.2", 0), 1);
  EXPECT_EQ(X509_check_ip_asc(parsed, "::1", 0), 1);
  EXPECT_NE(X509_check_ip_asc(parsed, "10.0.2.3", 0), 1);
  EXPECT_EQ(X509_check_purpose(parsed, X509_PURPOSE_SSL_SERVER, 0), 1);
  X509_free(parsed);
  EXPECT_EQ(FtaIdOfCertificate(cert->cert_pem), "");  // speaks for no FTA
}

TEST_F(CertificateAuthorityTest, BadNamesAndIdsAreInvalidArgumentAndAreNotEchoedWhole) {
  auto ca = Ca();
  ASSERT_NE(ca, nullptr);
  EXPECT_EQ(ca->IssueServer({}).status().code(), absl::StatusCode::kInvalidArgument);
  absl::Status bad = ca->IssueServer({"ok", std::string(100000, 'a') + ",DNS:evil"}).status();
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_LT(bad.message().size(), 200u);
  EXPECT_EQ(ca->IssueClient("fta-1,URI:fta://fta-2").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ca->IssueClient(std::string(129, 'x')).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FtaIdOfUri("https://fta-1"), "");
  EXPECT_EQ(FtaIdOfUri("fta://fta-1"), "fta-1");
}

TEST_F(CertificateAuthorityTest, RevokedCertificateFailsCrlCheckingWhileOthersPass) {
  auto ca = Ca();
  ASSERT_NE(ca, nullptr);
  const std::string crl_dir = temp_.path() + "/crl";
  absl::StatusOr<IssuedCertificate> kept = ca->IssueClient("fta-1");
  absl::StatusOr<IssuedCertificate> revoked = ca->IssueClient("fta-2");
  ASSERT_TRUE(kept.ok() && revoked.ok());
  // No CRL at all: OpenSSL refuses everyone once CRLs are required.
  EXPECT_EQ(Verify(kept->cert_pem, ca->ca_pem(), crl_dir), X509_V_ERR_UNABLE_TO_GET_CRL);
  ASSERT_TRUE(ca->EnsureCrl(crl_dir).ok());
  ASSERT_TRUE(ca->EnsureCrl(crl_dir).ok());  // idempotent: one list
  EXPECT_EQ(Verify(kept->cert_pem, ca->ca_pem(), crl_dir), X509_V_OK);
  EXPECT_EQ(Verify(revoked->cert_pem, ca->ca_pem(), crl_dir), X509_V_OK);
  // Two revocations in the same (frozen) second: each list supersedes the last.
  absl::StatusOr<IssuedCertificate> also = ca->IssueClient("fta-3");
  ASSERT_TRUE(also.ok());
  ASSERT_TRUE(ca->Revoke(also->cert_pem, crl_dir).ok());
  ASSERT_TRUE(ca->Revoke(revoked->cert_pem, crl_dir).ok());
  EXPECT_EQ(Verify(kept->cert_pem, ca->ca_pem(), crl_dir), X509_V_OK);
  EXPECT_EQ(Verify(revoked->cert_pem, ca->ca_pem(), crl_dir), X509_V_ERR_CERT_REVOKED);
  EXPECT_EQ(Verify(also->cert_pem, ca->ca_pem(), crl_dir), X509_V_ERR_CERT_REVOKED);
  int lists = 0;
  for (const auto& entry : std::filesystem::directory_iterator(crl_dir)) lists += entry.path().filename() != ".lock";
  EXPECT_EQ(lists, 3);
}

TEST_F(CertificateAuthorityTest, OnlyItsOwnCertificatesCanBeRevoked) {
  auto ca = Ca();
  ASSERT_NE(ca, nullptr);
  absl::StatusOr<std::unique_ptr<CertificateAuthority>> other =
      CertificateAuthority::LoadOrCreate(temp_.path() + "/other", &clock_);
  ASSERT_TRUE(other.ok());
  absl::StatusOr<IssuedCertificate> foreign = (*other)->IssueClient("fta-1");
  ASSERT_TRUE(foreign.ok());
  EXPECT_EQ(ca->Revoke(foreign->cert_pem, temp_.path() + "/crl").code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ca->Revoke("not a certificate", temp_.path() + "/crl").code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(CertificateAuthorityTest, CredentialsAreOwnerOnlyPerFtaAndComparedExactly) {
  auto ca = Ca();
  ASSERT_NE(ca, nullptr);
  AgentCredentials credentials(temp_.path() + "/agents", ca.get());
  absl::StatusOr<std::string> dir = credentials.Issue("fta-1");
  ASSERT_TRUE(dir.ok()) << dir.status();
  EXPECT_EQ(Mode(*dir), 0700);
  for (const char* file : {"token", "cert.pem", "key.pem", "ca.pem"}) EXPECT_EQ(Mode(*dir + "/" + file), 0600) << file;
  EXPECT_EQ(FtaIdOfCertificate(ReadFile(*dir + "/cert.pem")), "fta-1");
  absl::StatusOr<std::string> other = credentials.Issue("fta-2");
  ASSERT_TRUE(other.ok());

  std::string token = ReadFile(*dir + "/token");
  token.pop_back();  // the newline
  EXPECT_EQ(token.size(), 64u);
  EXPECT_TRUE(credentials.TokenMatches("fta-1", token));
  EXPECT_FALSE(credentials.TokenMatches("fta-2", token));  // per FTA, not shared
  EXPECT_FALSE(credentials.TokenMatches("fta-1", token.substr(0, 63)));
  EXPECT_FALSE(credentials.TokenMatches("fta-1", ""));
  EXPECT_FALSE(credentials.TokenMatches("../agents/fta-1", token));
  EXPECT_FALSE(credentials.TokenMatches("fta-9", token));

  credentials.Discard("fta-1");
  EXPECT_FALSE(std::filesystem::exists(*dir));
  EXPECT_FALSE(credentials.TokenMatches("fta-1", token));
  EXPECT_TRUE(std::filesystem::exists(*other));
}

TEST_F(CertificateAuthorityTest, TokensOnlyWithoutACa) {
  AgentCredentials credentials(temp_.path() + "/agents", nullptr);
  absl::StatusOr<std::string> dir = credentials.Issue("fta-1");
  ASSERT_TRUE(dir.ok()) << dir.status();
  EXPECT_TRUE(std::filesystem::exists(*dir + "/token"));
  EXPECT_FALSE(std::filesystem::exists(*dir + "/cert.pem"));
}

}  // namespace
}  // namespace fta::pki
