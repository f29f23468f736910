// SysfsRoot: every read and write of sysfs goes through here, relative to a
// root the daemon is given ("/sys" in production, a fake tree in tests).
//
//   SysfsRoot sysfs("/sys");
//   FTA_ASSIGN_OR_RETURN(std::string total,
//                        sysfs.ReadText("bus/pci/devices/0000:03:00.0/sriov_totalvfs"));
//   FTA_RETURN_IF_ERROR(sysfs.Write("bus/pci/devices/0000:03:00.0/sriov_numvfs", "8"));
//
// Errors name the absolute file ("<root>/bus/pci/devices/.../sriov_numvfs")
// so an operator can look at it. Write is virtual: tests wrap it to record
// what was written where and to play the kernel's part (creating virtfnN
// links when sriov_numvfs changes). Thread-safe (no state besides the root).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace fta::sriov {

class SysfsRoot {
 public:
  explicit SysfsRoot(std::string root);
  virtual ~SysfsRoot() = default;

  const std::string& root() const { return root_; }
  // "<root>/<relative>".
  std::string Path(const std::string& relative) const;

  bool Exists(const std::string& relative) const;
  // The file's content without trailing whitespace. NOT_FOUND when missing,
  // FAILED_PRECONDITION when unreadable; both name the file.
  absl::StatusOr<std::string> ReadText(const std::string& relative) const;
  // Decimal ("8", "-1") or hex with 0x ("0x15b3"); INVALID_ARGUMENT naming
  // the file and its content when malformed.
  absl::StatusOr<int64_t> ReadInt(const std::string& relative) const;
  absl::StatusOr<int64_t> ReadHex(const std::string& relative) const;
  // Last path component of a symlink's target ("driver" -> "mlx5_core");
  // NOT_FOUND when the link is missing.
  absl::StatusOr<std::string> LinkTargetName(const std::string& relative) const;
  // The link resolved to a path relative to the root (symlinks followed), so
  // "class/infiniband/mlx5_0/device" -> "devices/pci0000:00/0000:03:00.0".
  absl::StatusOr<std::string> Resolve(const std::string& relative) const;
  // Entry names of a directory, sorted; empty when it does not exist.
  std::vector<std::string> List(const std::string& relative) const;

  // Writes `value` the way echo does to a sysfs attribute (one write, with a
  // newline). The error carries errno's text and names the file.
  virtual absl::Status Write(const std::string& relative, const std::string& value);

 private:
  std::string root_;
};

}  // namespace fta::sriov
