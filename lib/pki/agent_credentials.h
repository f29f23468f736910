// AgentCredentials: what each FTA proves itself with, one directory per FTA
// under the state dir (<dir>/<fta id>/, mode 0700, files 0600):
//   token     a random secret of this FTA alone (every transport)
//   cert.pem  its client certificate, URI SAN fta://<id>   } only when the
//   key.pem   the certificate's private key                } agent endpoint
//   ca.pem    the CA that signed fta-hostd's server cert   } speaks TLS
// The provisioner hands the directory (process FTAs: its path; containers:
// the token in their identity file; guests: the NoCloud seed) to the agent.
//
//   AgentCredentials credentials(state_dir + "/agents", ca.get());
//   FTA_ASSIGN_OR_RETURN(std::string dir, credentials.Issue("fta-3"));
//   credentials.TokenMatches("fta-3", hello.token());   // constant time
//   credentials.Discard("fta-3");                       // on release
#pragma once

#include <mutex>
#include <string>

#include "absl/status/statusor.h"
#include "lib/pki/certificate_authority.h"

namespace fta::pki {

class AgentCredentials {
 public:
  // `ca` (not owned, may be null: tokens only) signs the client certificates.
  AgentCredentials(std::string dir, CertificateAuthority* ca) : dir_(std::move(dir)), ca_(ca) {}

  // Creates (or replaces) the FTA's directory; returns its path.
  absl::StatusOr<std::string> Issue(const std::string& fta_id);
  // True when `token` is the FTA's token; compares in constant time, and
  // false for an id with no directory.
  bool TokenMatches(const std::string& fta_id, const std::string& token) const;
  // Removes the FTA's directory (released FTAs). Missing is fine.
  void Discard(const std::string& fta_id);
  std::string DirOf(const std::string& fta_id) const { return dir_ + "/" + fta_id; }

 private:
  const std::string dir_;
  CertificateAuthority* const ca_;
  std::mutex mu_;  // the CA is not thread-safe
};

// Reads a credentials file written by Issue (token, PEM files): at most
// 64 KiB, surrounding whitespace kept for PEM, stripped for the token.
absl::StatusOr<std::string> ReadCredentialFile(const std::string& path);

}  // namespace fta::pki
