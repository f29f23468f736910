#include "lib/sriov/sysfs.h"

#include <fcntl.h>
#include <unistd.h>

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

namespace fta::sriov {

namespace fs = std::filesystem;

SysfsRoot::SysfsRoot(std::string root) : root_(std::move(root)) {
  while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
}

std::string SysfsRoot::Path(const std::string& relative) const { return root_ + "/" + relative; }

bool SysfsRoot::Exists(const std::string& relative) const {
  std::error_code error;
  return fs::exists(Path(relative), error);
}

absl::StatusOr<std::string> SysfsRoot::ReadText(const std::string& relative) const {
  const std::string path = Path(relative);
  std::ifstream in(path);
  if (!in) {
    if (!Exists(relative)) return absl::NotFoundError(absl::StrCat(path, ": no such file"));
    return absl::FailedPreconditionError(absl::StrCat(path, ": cannot be read: ", std::strerror(errno)));
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return absl::FailedPreconditionError(absl::StrCat(path, ": read failed"));
  std::string text = buffer.str();
  while (!text.empty() && absl::ascii_isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  return text;
}

absl::StatusOr<int64_t> SysfsRoot::ReadInt(const std::string& relative) const {
  absl::StatusOr<std::string> text = ReadText(relative);
  if (!text.ok()) return text.status();
  int64_t value = 0;
  if (absl::StartsWith(*text, "0x")) return ReadHex(relative);
  if (!absl::SimpleAtoi(*text, &value)) {
    return absl::InvalidArgumentError(
        absl::StrCat(Path(relative), ": malformed, expected an integer but found \"", *text, "\""));
  }
  return value;
}

absl::StatusOr<int64_t> SysfsRoot::ReadHex(const std::string& relative) const {
  absl::StatusOr<std::string> text = ReadText(relative);
  if (!text.ok()) return text.status();
  std::string digits = absl::StartsWith(*text, "0x") ? text->substr(2) : *text;
  uint64_t value = 0;
  if (digits.empty() || !absl::SimpleHexAtoi(digits, &value)) {
    return absl::InvalidArgumentError(
        absl::StrCat(Path(relative), ": malformed, expected a hex number but found \"", *text, "\""));
  }
  return static_cast<int64_t>(value);
}

absl::StatusOr<std::string> SysfsRoot::LinkTargetName(const std::string& relative) const {
  const std::string path = Path(relative);
  std::error_code error;
  fs::path target = fs::read_symlink(path, error);
  if (error) {
    if (!fs::exists(fs::symlink_status(path)))
      return absl::NotFoundError(absl::StrCat(path, ": no such link"));
    return absl::InvalidArgumentError(absl::StrCat(path, ": not a symlink: ", error.message()));
  }
  while (!target.empty() && !target.has_filename()) target = target.parent_path();
  return target.filename().string();
}

absl::StatusOr<std::string> SysfsRoot::Resolve(const std::string& relative) const {
  const std::string path = Path(relative);
  std::error_code error;
  fs::path real_root = fs::canonical(root_, error);
  if (error) return absl::NotFoundError(absl::StrCat(root_, ": ", error.message()));
  fs::path resolved = fs::canonical(path, error);
  if (error) return absl::NotFoundError(absl::StrCat(path, ": cannot resolve: ", error.message()));
  fs::path inside = resolved.lexically_relative(real_root);
  if (inside.empty() || absl::StartsWith(inside.string(), "..")) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": points outside ", root_, " (", resolved.string(), ")"));
  }
  return inside.string();
}

std::vector<std::string> SysfsRoot::List(const std::string& relative) const {
  std::vector<std::string> names;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(Path(relative), error)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

absl::Status SysfsRoot::Write(const std::string& relative, const std::string& value) {
  const std::string path = Path(relative);
  // No O_CREAT: sysfs attributes exist or the device does not support them.
  int fd = open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (fd < 0) {
    int saved = errno;
    if (saved == ENOENT) return absl::NotFoundError(absl::StrCat(path, ": no such file"));
    return absl::FailedPreconditionError(
        absl::StrCat("writing \"", value, "\" to ", path, ": ", std::strerror(saved)));
  }
  std::string line = value + "\n";
  ssize_t written = write(fd, line.data(), line.size());
  int saved = errno;
  close(fd);
  if (written != static_cast<ssize_t>(line.size())) {
    // The kernel's answer is in errno: EBUSY (VFs in use), EINVAL/ERANGE
    // (more than sriov_totalvfs), ENOENT/ENODEV (driver cannot do it).
    return absl::FailedPreconditionError(absl::StrCat("writing \"", value, "\" to ", path, ": ",
                                                      written < 0 ? std::strerror(saved) : "short write"));
  }
  return absl::OkStatus();
}

}  // namespace fta::sriov
