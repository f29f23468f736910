// What the configured backend (provisioner.backend, Provisioner::Backend())
// means in the public API: its Backend enum and the kind of FTA it starts.
// The native agent is FTA_KIND_NATIVE whatever the backend; every other
// record is an allocated FTA.
//
//   fta.set_kind(KindOf(provisioner->Backend()));   // "libvirt" -> FTA_KIND_VM
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "fta/v1/common.pb.h"

namespace fta::hostd {

// FTA ids in number order: "fta-10" sorts after "fta-9".
inline bool ByIdNumber(const std::string& a, const std::string& b) {
  auto number = [](const std::string& id) {
    int64_t value = 0;
    size_t dash = id.rfind('-');
    if (dash == std::string::npos || !absl::SimpleAtoi(id.substr(dash + 1), &value)) return int64_t{-1};
    return value;
  };
  int64_t na = number(a), nb = number(b);
  return na != nb ? na < nb : a < b;
}

inline fta::v1::Backend BackendOf(const std::string& backend) {
  if (backend == "process") return fta::v1::BACKEND_PROCESS;
  if (backend == "libvirt") return fta::v1::BACKEND_LIBVIRT;
  if (backend == "lxc") return fta::v1::BACKEND_LXC;
  return fta::v1::BACKEND_UNSPECIFIED;
}

inline fta::v1::FtaKind KindOf(const std::string& backend) {
  if (backend == "process") return fta::v1::FTA_KIND_PROCESS;
  if (backend == "libvirt") return fta::v1::FTA_KIND_VM;
  if (backend == "lxc") return fta::v1::FTA_KIND_CONTAINER;
  return fta::v1::FTA_KIND_UNSPECIFIED;
}

// An FTA the fleet allocated (and counts against provisioner.max_ftas), as
// opposed to the host's native agent.
inline bool IsAllocatedKind(fta::v1::FtaKind kind) {
  return kind == fta::v1::FTA_KIND_PROCESS || kind == fta::v1::FTA_KIND_VM || kind == fta::v1::FTA_KIND_CONTAINER;
}

// The kind an allocation asking for `requested` starts on `backend`:
// UNSPECIFIED is the backend's own kind; another kind is FAILED_PRECONDITION
// naming `kind` (a container without a container backend says so), NATIVE
// INVALID_ARGUMENT.
absl::StatusOr<fta::v1::FtaKind> AllocationKind(const std::string& backend, fta::v1::FtaKind requested);

// On a host offering several backends (`backends`, the first the default;
// containers add "lxc" beside it): the one that starts `requested`.
// UNSPECIFIED is the default; a kind none of them starts is
// FAILED_PRECONDITION naming `kind` and the kinds offered.
absl::StatusOr<std::string> AllocationBackend(const std::vector<std::string>& backends, fta::v1::FtaKind requested);

// The backend word ("process", "libvirt", "lxc") of the enum; "" for
// UNSPECIFIED.
std::string BackendWord(fta::v1::Backend backend);

}  // namespace fta::hostd
