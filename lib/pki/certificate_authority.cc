#include "lib/pki/certificate_authority.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "lib/core/status_macros.h"

namespace fta::pki {
namespace {

constexpr char kUriPrefix[] = "fta://";
constexpr int64_t kBackdateSeconds = 300;

struct BioFree { void operator()(BIO* b) const { BIO_free(b); } };
struct X509Free { void operator()(X509* x) const { X509_free(x); } };
struct CrlFree { void operator()(X509_CRL* c) const { X509_CRL_free(c); } };
struct KeyFree { void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); } };
using BioPtr = std::unique_ptr<BIO, BioFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;
using CrlPtr = std::unique_ptr<X509_CRL, CrlFree>;
using KeyPtr = std::unique_ptr<EVP_PKEY, KeyFree>;

std::string BioText(BIO* bio) {
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  return std::string(data, size > 0 ? size : 0);
}

absl::Status OpenSslError(const std::string& what) {
  return absl::InternalError(absl::StrCat(what, " failed (OpenSSL)"));
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": ", std::strerror(errno)));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

X509Ptr ParseCert(const std::string& pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  return X509Ptr(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

KeyPtr NewKey() { return KeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256")); }

std::string KeyPem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  return BioText(bio.get());
}

std::string CertPem(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), cert);
  return BioText(bio.get());
}

std::string SerialHex(const ASN1_INTEGER* serial) {
  BIGNUM* number = ASN1_INTEGER_to_BN(serial, nullptr);
  char* hex = BN_bn2hex(number);
  std::string text(hex);
  OPENSSL_free(hex);
  BN_free(number);
  return text;
}

// 127 random bits: positive, unique enough that no two certificates share one.
absl::Status SetRandomSerial(X509* cert) {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) return OpenSslError("RAND_bytes");
  bytes[0] &= 0x7f;
  BIGNUM* number = BN_bin2bn(bytes, sizeof(bytes), nullptr);
  ASN1_INTEGER* serial = BN_to_ASN1_INTEGER(number, nullptr);
  X509_set_serialNumber(cert, serial);
  ASN1_INTEGER_free(serial);
  BN_free(number);
  return absl::OkStatus();
}

absl::Status AddExtension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (extension == nullptr) return OpenSslError(absl::StrCat("extension ", OBJ_nid2sn(nid), " = ", value));
  X509_add_ext(cert, extension, -1);
  X509_EXTENSION_free(extension);
  return absl::OkStatus();
}

// A certificate for `key` named `common_name`, signed by `issuer_key`
// (`issuer` null: self-signed). `extensions` are (nid, value) pairs in the
// openssl.cnf syntax.
absl::StatusOr<X509Ptr> BuildCert(const std::string& common_name, EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key,
                                  int64_t now_s, int valid_days,
                                  const std::vector<std::pair<int, std::string>>& extensions) {
  X509Ptr cert(X509_new());
  X509_set_version(cert.get(), 2);
  FTA_RETURN_IF_ERROR(SetRandomSerial(cert.get()));
  ASN1_TIME_set(X509_getm_notBefore(cert.get()), static_cast<time_t>(now_s - kBackdateSeconds));
  ASN1_TIME_set(X509_getm_notAfter(cert.get()), static_cast<time_t>(now_s + int64_t{valid_days} * 86400));
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("fta-hostd"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(common_name.c_str()),
                             -1, -1, 0);
  X509_set_issuer_name(cert.get(), issuer != nullptr ? X509_get_subject_name(issuer) : name);
  X509_set_pubkey(cert.get(), key);
  for (const auto& [nid, value] : extensions) {
    FTA_RETURN_IF_ERROR(AddExtension(cert.get(), issuer != nullptr ? issuer : cert.get(), nid, value));
  }
  if (X509_sign(cert.get(), issuer_key, EVP_sha256()) == 0) return OpenSslError("signing a certificate");
  return cert;
}

bool IsNameChar(char c) { return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':'; }

// "DNS:name" or "IP:address" for a subjectAltName list.
absl::StatusOr<std::string> SanEntry(const std::string& name) {
  if (name.empty() || name.size() > 253 || !std::all_of(name.begin(), name.end(), IsNameChar)) {
    return absl::InvalidArgumentError(absl::StrCat("agents.tls_names: \"", name.substr(0, 64),
                                                   "\" is not a host name or IP address"));
  }
  ASN1_OCTET_STRING* address = a2i_IPADDRESS(name.c_str());
  bool is_ip = address != nullptr;
  ASN1_OCTET_STRING_free(address);
  return absl::StrCat(is_ip ? "IP:" : "DNS:", name);
}

std::string CrlHashPrefix(X509* ca) {
  int ok = 0;
  unsigned long hash = X509_NAME_hash_ex(X509_get_subject_name(ca), nullptr, nullptr, &ok);
  return absl::StrFormat("%08lx.r", hash);
}

// The newest CRL file of this CA in `crl_dir`: its suffix number (-1 when
// none) and its contents.
std::pair<int, CrlPtr> NewestCrl(const std::string& crl_dir, const std::string& prefix) {
  int newest = -1;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(crl_dir, error)) {
    std::string file = entry.path().filename().string();
    int number = 0;
    if (absl::StartsWith(file, prefix) && absl::SimpleAtoi(file.substr(prefix.size()), &number)) {
      newest = std::max(newest, number);
    }
  }
  if (newest < 0) return {-1, nullptr};
  absl::StatusOr<std::string> text = ReadFile(absl::StrCat(crl_dir, "/", prefix, newest));
  if (!text.ok()) return {newest, nullptr};
  BioPtr bio(BIO_new_mem_buf(text->data(), static_cast<int>(text->size())));
  return {newest, CrlPtr(PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr))};
}

}  // namespace

struct CertificateAuthority::Keys {
  KeyPtr key;
  X509Ptr cert;
};

CertificateAuthority::CertificateAuthority(std::string dir, const Clock* clock, std::unique_ptr<Keys> keys,
                                           std::string ca_pem)
    : dir_(std::move(dir)), clock_(clock), keys_(std::move(keys)), ca_pem_(std::move(ca_pem)) {}

CertificateAuthority::~CertificateAuthority() = default;

absl::StatusOr<std::unique_ptr<CertificateAuthority>> CertificateAuthority::LoadOrCreate(const std::string& dir,
                                                                                      const Clock* clock) {
  const std::string key_path = dir + "/ca.key", cert_path = dir + "/ca.pem";
  auto keys = std::make_unique<Keys>();
  const bool have_key = access(key_path.c_str(), F_OK) == 0, have_cert = access(cert_path.c_str(), F_OK) == 0;
  if (have_key != have_cert) {
    return absl::FailedPreconditionError(absl::StrCat(have_key ? cert_path : key_path, " is missing beside ",
                                                      have_key ? key_path : cert_path,
                                                      ": restore it, or remove both to create a new CA"));
  }
  if (!have_key) {
    std::error_code error;
    std::filesystem::create_directories(dir, error);
    if (error) return absl::FailedPreconditionError(absl::StrCat("cannot create ", dir, ": ", error.message()));
    chmod(dir.c_str(), 0700);
    keys->key = NewKey();
    if (!keys->key) return OpenSslError("generating the CA key");
    // A name of its own: OpenSSL finds issuers and CRLs by subject name, so
    // a rotated-in CA must not share the old one's.
    unsigned char tag[4];
    if (RAND_bytes(tag, sizeof(tag)) != 1) return OpenSslError("RAND_bytes");
    std::string name = absl::StrFormat("fta-hostd agent CA %02x%02x%02x%02x", tag[0], tag[1], tag[2], tag[3]);
    FTA_ASSIGN_OR_RETURN(keys->cert, BuildCert(name, keys->key.get(), nullptr, keys->key.get(),
                                               clock->NowUnixNanos() / 1'000'000'000, 3650,
                                               {{NID_basic_constraints, "critical,CA:TRUE,pathlen:0"},
                                                {NID_key_usage, "critical,keyCertSign,cRLSign"},
                                                {NID_subject_key_identifier, "hash"}}));
    FTA_RETURN_IF_ERROR(WriteFileAtomically(key_path, KeyPem(keys->key.get()), 0600));
    FTA_RETURN_IF_ERROR(WriteFileAtomically(cert_path, CertPem(keys->cert.get()), 0644));
  }
  FTA_ASSIGN_OR_RETURN(std::string key_pem, ReadFile(key_path));
  FTA_ASSIGN_OR_RETURN(std::string cert_pem, ReadFile(cert_path));
  BioPtr key_bio(BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size())));
  keys->key.reset(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
  keys->cert = ParseCert(cert_pem);
  if (!keys->key) return absl::FailedPreconditionError(absl::StrCat(key_path, ": not a PEM private key"));
  if (!keys->cert) return absl::FailedPreconditionError(absl::StrCat(cert_path, ": not a PEM certificate"));
  if (X509_check_private_key(keys->cert.get(), keys->key.get()) != 1) {
    return absl::FailedPreconditionError(absl::StrCat(key_path, " does not belong to ", cert_path));
  }
  return std::unique_ptr<CertificateAuthority>(
      new CertificateAuthority(dir, clock, std::move(keys), std::move(cert_pem)));
}

absl::StatusOr<IssuedCertificate> CertificateAuthority::IssueServer(const std::vector<std::string>& names,
                                                                    int valid_days) {
  if (names.empty()) return absl::InvalidArgumentError("agents.tls_names: at least one name is needed");
  std::vector<std::string> entries;
  for (const std::string& name : names) {
    FTA_ASSIGN_OR_RETURN(std::string entry, SanEntry(name));
    entries.push_back(std::move(entry));
  }
  KeyPtr key = NewKey();
  if (!key) return OpenSslError("generating a key");
  FTA_ASSIGN_OR_RETURN(X509Ptr cert, BuildCert(names.front(), key.get(), keys_->cert.get(), keys_->key.get(),
                                               clock_->NowUnixNanos() / 1'000'000'000, valid_days,
                                               {{NID_basic_constraints, "critical,CA:FALSE"},
                                                {NID_key_usage, "critical,digitalSignature,keyEncipherment"},
                                                {NID_ext_key_usage, "serverAuth"},
                                                {NID_authority_key_identifier, "keyid"},
                                                {NID_subject_alt_name, absl::StrJoin(entries, ",")}}));
  return IssuedCertificate{CertPem(cert.get()), KeyPem(key.get()), SerialHex(X509_get0_serialNumber(cert.get()))};
}

absl::StatusOr<IssuedCertificate> CertificateAuthority::IssueClient(const std::string& fta_id, int valid_days) {
  bool valid = !fta_id.empty() && fta_id.size() <= 128 && std::all_of(fta_id.begin(), fta_id.end(), [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' || c == ':';
  });
  if (!valid) return absl::InvalidArgumentError("fta_id: 1-128 characters of [A-Za-z0-9._:-] are needed");
  KeyPtr key = NewKey();
  if (!key) return OpenSslError("generating a key");
  FTA_ASSIGN_OR_RETURN(X509Ptr cert, BuildCert(fta_id, key.get(), keys_->cert.get(), keys_->key.get(),
                                               clock_->NowUnixNanos() / 1'000'000'000, valid_days,
                                               {{NID_basic_constraints, "critical,CA:FALSE"},
                                                {NID_key_usage, "critical,digitalSignature"},
                                                {NID_ext_key_usage, "clientAuth"},
                                                {NID_authority_key_identifier, "keyid"},
                                                {NID_subject_alt_name, absl::StrCat("URI:", kUriPrefix, fta_id)}}));
  return IssuedCertificate{CertPem(cert.get()), KeyPem(key.get()), SerialHex(X509_get0_serialNumber(cert.get()))};
}

absl::Status CertificateAuthority::EnsureCrl(const std::string& crl_dir) {
  std::error_code error;
  std::filesystem::create_directories(crl_dir, error);
  if (error) return absl::FailedPreconditionError(absl::StrCat("cannot create ", crl_dir, ": ", error.message()));
  if (NewestCrl(crl_dir, CrlHashPrefix(keys_->cert.get())).first >= 0) return absl::OkStatus();
  return Revoke("", crl_dir);
}

absl::Status CertificateAuthority::Revoke(const std::string& cert_pem, const std::string& crl_dir) {
  X509Ptr revoked;
  if (!cert_pem.empty()) {
    revoked = ParseCert(cert_pem);
    if (!revoked) return absl::InvalidArgumentError("certificate: not a PEM certificate");
    if (X509_check_issued(keys_->cert.get(), revoked.get()) != X509_V_OK ||
        X509_verify(revoked.get(), keys_->key.get()) != 1) {
      return absl::FailedPreconditionError("certificate: not issued by this CA");
    }
  }
  std::error_code error;
  std::filesystem::create_directories(crl_dir, error);
  int lock = open((crl_dir + "/.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock < 0 || flock(lock, LOCK_EX) != 0) {
    if (lock >= 0) close(lock);
    return absl::FailedPreconditionError(absl::StrCat(crl_dir, "/.lock: ", std::strerror(errno)));
  }
  const std::string prefix = CrlHashPrefix(keys_->cert.get());
  auto [newest, previous] = NewestCrl(crl_dir, prefix);
  CrlPtr crl(X509_CRL_new());
  X509_CRL_set_version(crl.get(), 1);
  X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(keys_->cert.get()));
  int64_t now_s = clock_->NowUnixNanos() / 1'000'000'000;
  if (previous) {
    // OpenSSL uses the CRL with the latest lastUpdate: a new list must be later.
    int days = 0, seconds = 0;
    ASN1_TIME* now_time = ASN1_TIME_set(nullptr, static_cast<time_t>(now_s));
    ASN1_TIME_diff(&days, &seconds, X509_CRL_get0_lastUpdate(previous.get()), now_time);
    ASN1_TIME_free(now_time);
    if (days <= 0 && seconds <= 0) now_s += 1 - (int64_t{days} * 86400 + seconds);
    STACK_OF(X509_REVOKED)* entries = X509_CRL_get_REVOKED(previous.get());
    for (int i = 0; i < sk_X509_REVOKED_num(entries); ++i) {
      X509_CRL_add0_revoked(crl.get(), X509_REVOKED_dup(sk_X509_REVOKED_value(entries, i)));
    }
  }
  ASN1_TIME* last = ASN1_TIME_set(nullptr, static_cast<time_t>(now_s));
  ASN1_TIME* next = ASN1_TIME_set(nullptr, static_cast<time_t>(now_s + int64_t{3650} * 86400));
  X509_CRL_set1_lastUpdate(crl.get(), last);
  X509_CRL_set1_nextUpdate(crl.get(), next);
  if (revoked) {
    X509_REVOKED* entry = X509_REVOKED_new();
    X509_REVOKED_set_serialNumber(entry, X509_get_serialNumber(revoked.get()));
    X509_REVOKED_set_revocationDate(entry, last);
    X509_CRL_add0_revoked(crl.get(), entry);
  }
  ASN1_TIME_free(last);
  ASN1_TIME_free(next);
  X509_CRL_sort(crl.get());
  absl::Status written = OpenSslError("signing the CRL");
  if (X509_CRL_sign(crl.get(), keys_->key.get(), EVP_sha256()) != 0) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_X509_CRL(bio.get(), crl.get());
    written = WriteFileAtomically(absl::StrCat(crl_dir, "/", prefix, newest + 1), BioText(bio.get()), 0644);
  }
  close(lock);
  return written;
}

std::string FtaIdOfUri(const std::string& uri) {
  return absl::StartsWith(uri, kUriPrefix) ? uri.substr(sizeof(kUriPrefix) - 1) : "";
}

std::string FtaIdOfCertificate(const std::string& cert_pem) {
  X509Ptr cert = ParseCert(cert_pem);
  if (!cert) return "";
  auto* names = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert.get(), NID_subject_alt_name, nullptr, nullptr));
  std::string id;
  for (int i = 0; names != nullptr && i < sk_GENERAL_NAME_num(names) && id.empty(); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, i);
    if (name->type != GEN_URI) continue;
    const ASN1_IA5STRING* uri = name->d.uniformResourceIdentifier;
    id = FtaIdOfUri(std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(uri)), ASN1_STRING_length(uri)));
  }
  GENERAL_NAMES_free(names);
  return id;
}

absl::Status WriteFileAtomically(const std::string& path, const std::string& contents, int mode,
                                 bool durable) {
  std::string temporary = absl::StrCat(path, ".tmp.", getpid());
  int fd = open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
  if (fd < 0) return absl::FailedPreconditionError(absl::StrCat("cannot write ", path, ": ", std::strerror(errno)));
  fchmod(fd, mode);  // O_CREAT's mode is only for a new file
  bool ok = write(fd, contents.data(), contents.size()) == static_cast<ssize_t>(contents.size()) &&
            (!durable || fsync(fd) == 0);
  int saved = errno;
  close(fd);
  if (!ok || rename(temporary.c_str(), path.c_str()) != 0) {
    if (ok) saved = errno;
    unlink(temporary.c_str());
    return absl::FailedPreconditionError(absl::StrCat("cannot write ", path, ": ", std::strerror(saved)));
  }
  return absl::OkStatus();
}

}  // namespace fta::pki
