#include "lib/cli/args.h"

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"

namespace fta::cli {
namespace {

absl::Status OnError(const std::string& why) {
  return absl::InvalidArgumentError(
      absl::StrCat("--on: ", why, " (expected all, native, owner:NAME or ID,ID,...)"));
}

absl::Status HostError(const std::string& text, const std::string& why) {
  return absl::InvalidArgumentError(absl::StrCat(
      "--host: ", why, " in \"", text, "\" (expected unix:PATH or HOST:PORT)"));
}

bool HasBlank(const std::string& text) {
  for (char c : text) {
    if (absl::ascii_isspace(static_cast<unsigned char>(c)) ||
        absl::ascii_iscntrl(static_cast<unsigned char>(c))) {
      return true;
    }
  }
  return false;
}

}  // namespace

absl::StatusOr<std::vector<std::string>> ParseTargets(const std::string& text) {
  if (text.empty()) return OnError("no target given");
  std::vector<std::string> ids = absl::StrSplit(text, ',');
  std::set<std::string> seen;
  for (const std::string& id : ids) {
    if (id.empty()) return OnError(absl::StrCat("empty id in \"", text, "\""));
    if (HasBlank(id)) return OnError(absl::StrCat("blank in id \"", id, "\""));
    if ((id == "all" || id == "native" || absl::StartsWith(id, "owner:")) && ids.size() > 1) {
      return OnError(absl::StrCat("\"", id, "\" cannot be combined with other targets"));
    }
    if (!seen.insert(id).second) return OnError(absl::StrCat("\"", id, "\" given twice"));
  }
  return ids;
}

absl::StatusOr<int64_t> ParseStartAt(const std::string& text) {
  auto error = [&](const std::string& why) {
    return absl::InvalidArgumentError(absl::StrCat("--start-at: ", why, " in \"", text,
                                                   "\" (expected RFC 3339, e.g. 2026-12-02T04:10:00Z, or unix seconds)"));
  };
  if (text.empty()) return error("empty time");
  double seconds = 0;
  if (absl::SimpleAtod(text, &seconds)) {
    if (!(seconds > 0) || seconds > 1e11) return error("not a plausible unix time");
    return static_cast<int64_t>(seconds * 1000.0 + 0.5);
  }
  absl::Time time;
  std::string why;
  if (!absl::ParseTime(absl::RFC3339_full, text, &time, &why)) return error(why);
  return absl::ToUnixMillis(time);
}

absl::StatusOr<std::string> ParseEndpoint(const std::string& text) {
  if (text.empty()) return HostError(text, "empty endpoint");
  if (HasBlank(text)) return HostError(text, "blank");
  if (absl::StartsWith(text, "unix:")) {
    if (text.size() == 5) return HostError(text, "empty socket path");
    return text;
  }
  if (text[0] == '/') return absl::StrCat("unix:", text);
  for (const char* scheme : {"unix-abstract:", "dns:", "ipv4:", "ipv6:"}) {
    if (absl::StartsWith(text, scheme)) {
      if (text.size() == std::string(scheme).size()) return HostError(text, "empty address");
      return text;
    }
  }
  size_t colon = text.rfind(':');
  if (colon == std::string::npos) return HostError(text, "no port");
  std::string host = text.substr(0, colon);
  std::string port = text.substr(colon + 1);
  if (host.empty()) return HostError(text, "empty host name");
  // A bare IPv6 address has colons of its own and must be bracketed.
  if (host.find(':') != std::string::npos &&
      !(host.front() == '[' && host.back() == ']')) {
    return HostError(text, "IPv6 address without [brackets]");
  }
  int number = 0;
  bool digits_only = !port.empty() && port.find_first_not_of("0123456789") == std::string::npos;
  if (!digits_only || !absl::SimpleAtoi(port, &number) || number < 1 || number > 65535) {
    return HostError(text, absl::StrCat("bad port \"", port, "\""));
  }
  return text;
}

std::string DefaultEndpoint(const char* fta_host_env) {
  if (fta_host_env != nullptr && fta_host_env[0] != '\0') return fta_host_env;
  return kDefaultEndpoint;
}

std::string FormatError(const absl::Status& status) {
  return absl::StrCat("ftactl: ", absl::StatusCodeToString(status.code()), ": ",
                      status.message());
}

}  // namespace fta::cli
