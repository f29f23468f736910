#include "lib/agent/agent_identity.h"

#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "lib/core/status_macros.h"

namespace fta::agent {

absl::StatusOr<std::string> ReadTokenFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    return absl::NotFoundError(absl::StrCat("token file ", path, ": ", std::strerror(errno)));
  }
  std::ostringstream text;
  text << in.rdbuf();
  std::string token(absl::StripAsciiWhitespace(text.str()));
  if (token.empty()) return absl::InvalidArgumentError(absl::StrCat("token file ", path, " is empty"));
  return token;
}

absl::StatusOr<IdentityFile> ReadIdentityFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("identity file ", path, ": ", std::strerror(errno)));
  IdentityFile identity;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    absl::string_view text = absl::StripAsciiWhitespace(line);
    if (text.empty()) continue;
    size_t equals = text.find('=');
    absl::string_view key = text.substr(0, equals);
    std::string* field = key == "id" ? &identity.id : key == "connect" ? &identity.connect
                       : key == "token" ? &identity.token : nullptr;
    if (equals == absl::string_view::npos || field == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("identity file ", path, " line ", number, ": expected id=, connect= or token="));
    }
    *field = std::string(text.substr(equals + 1));
  }
  if (identity.id.empty() || identity.connect.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("identity file ", path, ": id= and connect= are required"));
  }
  return identity;
}

absl::StatusOr<CredentialFiles> ReadCredentialsDir(const std::string& dir) {
  CredentialFiles files;
  FTA_ASSIGN_OR_RETURN(files.token, ReadTokenFile(dir + "/token"));
  int present = 0;
  for (const char* name : {"cert.pem", "key.pem", "ca.pem"}) {
    if (access(absl::StrCat(dir, "/", name).c_str(), R_OK) == 0) ++present;
  }
  if (present == 0) return files;
  if (present != 3) {
    return absl::InvalidArgumentError(
        absl::StrCat("--credentials ", dir, ": cert.pem, key.pem and ca.pem go together (some are missing)"));
  }
  files.cert_file = dir + "/cert.pem";
  files.key_file = dir + "/key.pem";
  files.ca_file = dir + "/ca.pem";
  return files;
}

absl::Status CheckTransport(const std::string& connect, bool tls, bool insecure_tcp) {
  if (tls || insecure_tcp || absl::StartsWith(connect, "unix:")) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "--connect ", connect, ": TCP without TLS would send the token in clear; give --credentials with cert.pem,",
      " key.pem and ca.pem, or --insecure-tcp when fta-hostd runs with agents.insecure_tcp = true"));
}

bool IsExecutableFile(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(path.c_str(), X_OK) == 0;
}

std::string FindExecutableInPath(const std::string& name, const std::string& path_env) {
  for (absl::string_view dir : absl::StrSplit(path_env, ':')) {
    std::string candidate = dir.empty() ? name : absl::StrCat(dir, "/", name);
    if (IsExecutableFile(candidate)) return candidate;
  }
  return "";
}

std::string LocalHostname() {
  char name[HOST_NAME_MAX + 1] = {};
  if (gethostname(name, sizeof(name) - 1) != 0) return "";
  return name;
}

absl::Status ValidateConnectAddress(const std::string& address) {
  if (absl::StartsWith(address, "unix:")) {
    if (address.size() == 5) return absl::InvalidArgumentError("--connect unix: needs a socket path");
    return absl::OkStatus();
  }
  size_t colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("--connect ", address, ": expected unix:/path or host:port"));
  }
  int port = 0;
  if (!absl::SimpleAtoi(address.substr(colon + 1), &port) || port < 1 || port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat("--connect ", address, ": bad port"));
  }
  return absl::OkStatus();
}

absl::Status ValidateFtaId(const std::string& id) {
  if (id.empty() || id.size() > 128) {
    return absl::InvalidArgumentError("--id must be 1 to 128 characters");
  }
  for (char c : id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-' && c != ':') {
      return absl::InvalidArgumentError(absl::StrCat("--id ", id, ": only letters, digits and . _ - : are allowed"));
    }
  }
  return absl::OkStatus();
}

}  // namespace fta::agent
