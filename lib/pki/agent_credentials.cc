#include "lib/pki/agent_credentials.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "lib/core/status_macros.h"

namespace fta::pki {
namespace {

constexpr size_t kMaxCredentialFile = 64 * 1024;

absl::StatusOr<std::string> NewToken() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) return absl::InternalError("RAND_bytes failed (OpenSSL)");
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(bytes), sizeof(bytes)));
}

}  // namespace

absl::StatusOr<std::string> ReadCredentialFile(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return absl::NotFoundError(absl::StrCat(path, ": ", std::strerror(errno)));
  std::string text(kMaxCredentialFile + 1, '\0');
  size_t used = 0;
  ssize_t got = 0;
  while (used < text.size() && (got = read(fd, text.data() + used, text.size() - used)) > 0) used += got;
  close(fd);
  if (got < 0) return absl::FailedPreconditionError(absl::StrCat(path, ": ", std::strerror(errno)));
  if (used > kMaxCredentialFile) return absl::FailedPreconditionError(absl::StrCat(path, ": larger than 64 KiB"));
  text.resize(used);
  return text;
}

absl::StatusOr<std::string> AgentCredentials::Issue(const std::string& fta_id) {
  const std::string dir = DirOf(fta_id);
  std::error_code error;
  std::filesystem::remove_all(dir, error);
  std::filesystem::create_directories(dir, error);
  if (error) return absl::FailedPreconditionError(absl::StrCat("cannot create ", dir, ": ", error.message()));
  chmod(dir_.c_str(), 0700);
  chmod(dir.c_str(), 0700);
  FTA_ASSIGN_OR_RETURN(std::string token, NewToken());
  // Not fsynced (an fsync is 20-60 ms here, per FTA, in a row when many are
  // allocated): the files must outlive a daemon crash, which the page cache
  // does; a host crash takes the FTAs' agents with it and reconcile
  // releases them, so nothing needs the files after one.
  constexpr bool kDurable = false;
  FTA_RETURN_IF_ERROR(WriteFileAtomically(dir + "/token", token + "\n", 0600, kDurable));
  if (ca_ != nullptr) {
    std::lock_guard<std::mutex> lock(mu_);
    FTA_ASSIGN_OR_RETURN(IssuedCertificate cert, ca_->IssueClient(fta_id));
    FTA_RETURN_IF_ERROR(WriteFileAtomically(dir + "/key.pem", cert.key_pem, 0600, kDurable));
    FTA_RETURN_IF_ERROR(WriteFileAtomically(dir + "/cert.pem", cert.cert_pem, 0600, kDurable));
    FTA_RETURN_IF_ERROR(WriteFileAtomically(dir + "/ca.pem", ca_->ca_pem(), 0600, kDurable));
  }
  return dir;
}

bool AgentCredentials::TokenMatches(const std::string& fta_id, const std::string& token) const {
  if (fta_id.empty() || fta_id.find('/') != std::string::npos || fta_id[0] == '.') return false;
  absl::StatusOr<std::string> stored = ReadCredentialFile(DirOf(fta_id) + "/token");
  if (!stored.ok()) return false;
  std::string expected(absl::StripAsciiWhitespace(*stored));
  if (expected.empty() || expected.size() != token.size()) return false;
  return CRYPTO_memcmp(expected.data(), token.data(), expected.size()) == 0;
}

void AgentCredentials::Discard(const std::string& fta_id) {
  if (fta_id.empty() || fta_id.find('/') != std::string::npos || fta_id[0] == '.') return;
  std::error_code ignored;
  std::filesystem::remove_all(DirOf(fta_id), ignored);
}

}  // namespace fta::pki
