// CertificateAuthority: fta-hostd's own CA for the agent channel (mTLS).
//
// It lives in a directory of the state dir, created on first start:
//   ca.key   the CA's private key (EC P-256, mode 0600)
//   ca.pem   the CA certificate (10 years)
// and issues short, single-purpose certificates:
//   IssueServer: the agent endpoint's certificate, its subjectAltName
//                naming every DNS name and IP address agents dial;
//   IssueClient: one per FTA, subjectAltName URI "fta://<id>" (and CN
//                <id>), which is how fta-hostd knows who is on a connection.
// Revoke writes a certificate revocation list into a CRL directory the way
// OpenSSL's hash-directory lookup reads it (<issuer hash>.r<N>, each file
// the whole list, a newer one with a higher N and a later lastUpdate).
//
//   FTA_ASSIGN_OR_RETURN(auto ca, CertificateAuthority::LoadOrCreate(dir, &clock));
//   FTA_ASSIGN_OR_RETURN(IssuedCertificate cert, ca->IssueClient("fta-3"));
//   FTA_RETURN_IF_ERROR(ca->EnsureCrl(dir + "/crl"));
//
// Times come from the injected Clock (notBefore is backdated 5 minutes for
// clocks a little behind). Not thread-safe: one owner at a time.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "lib/core/clock.h"

namespace fta::pki {

struct IssuedCertificate {
  std::string cert_pem;
  std::string key_pem;     // PKCS#8, unencrypted: store it 0600
  std::string serial_hex;  // upper-case hex, as `openssl x509 -serial` prints it
};

class CertificateAuthority {
 public:
  // Reads dir/ca.key and dir/ca.pem, or creates both (and dir, 0700) when
  // neither exists. One without the other, or files that do not parse, are
  // FAILED_PRECONDITION naming the file.
  static absl::StatusOr<std::unique_ptr<CertificateAuthority>> LoadOrCreate(const std::string& dir,
                                                                            const Clock* clock);
  ~CertificateAuthority();

  const std::string& ca_pem() const { return ca_pem_; }
  std::string ca_cert_path() const { return dir_ + "/ca.pem"; }

  // `names`: DNS names and IP addresses (v4 or v6), at least one; each 1-253
  // characters of [A-Za-z0-9.:-] (INVALID_ARGUMENT naming the bad one).
  absl::StatusOr<IssuedCertificate> IssueServer(const std::vector<std::string>& names, int valid_days = 365);
  // `fta_id` as agents accept it (1-128 characters of [A-Za-z0-9._:-]).
  absl::StatusOr<IssuedCertificate> IssueClient(const std::string& fta_id, int valid_days = 3650);

  // Writes an empty CRL of this CA into `crl_dir` unless one is there.
  // Needed: with a CRL directory configured, OpenSSL refuses any
  // certificate whose issuer has no CRL.
  absl::Status EnsureCrl(const std::string& crl_dir);
  // Adds `cert_pem`'s serial to this CA's CRL in `crl_dir` (a new file that
  // supersedes the previous one). FAILED_PRECONDITION when the certificate
  // was not issued by this CA. Concurrent callers are serialised by a lock
  // file in `crl_dir`.
  absl::Status Revoke(const std::string& cert_pem, const std::string& crl_dir);

 private:
  struct Keys;
  CertificateAuthority(std::string dir, const Clock* clock, std::unique_ptr<Keys> keys, std::string ca_pem);

  std::string dir_;
  const Clock* clock_;
  std::unique_ptr<Keys> keys_;
  std::string ca_pem_;
};

// The FTA id a client certificate speaks for: its URI SAN "fta://<id>"
// (from the PEM, or from gRPC's peer properties); "" when it has none.
std::string FtaIdOfCertificate(const std::string& cert_pem);
std::string FtaIdOfUri(const std::string& uri);

// Writes `contents` to `path` through a temporary file in the same
// directory (created with `mode`, fsynced unless not `durable`, renamed over
// `path`). Not durable: survives a crash of the process, not of the host.
absl::Status WriteFileAtomically(const std::string& path, const std::string& contents, int mode,
                                 bool durable = true);

}  // namespace fta::pki
