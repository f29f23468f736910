#include "lib/fleet/fta_kinds.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "lib/core/status_macros.h"

namespace fta::hostd {

absl::StatusOr<fta::v1::FtaKind> AllocationKind(const std::string& backend, fta::v1::FtaKind requested) {
  fta::v1::FtaKind started = KindOf(backend);
  if (requested == fta::v1::FTA_KIND_UNSPECIFIED || requested == started) return started;
  if (!IsAllocatedKind(requested)) {
    return absl::InvalidArgumentError(
        absl::StrCat("kind: ", fta::v1::FtaKind_Name(requested), " cannot be allocated (process, vm or container)"));
  }
  if (requested == fta::v1::FTA_KIND_CONTAINER) {
    return absl::FailedPreconditionError(absl::StrCat("kind: no container backend is configured (provisioner.backend = \"",
                                                      backend, "\" starts ", fta::v1::FtaKind_Name(started), ")"));
  }
  return absl::FailedPreconditionError(absl::StrCat("kind: the ", backend, " backend (provisioner.backend) starts ",
                                                    fta::v1::FtaKind_Name(started), ", not ",
                                                    fta::v1::FtaKind_Name(requested)));
}

absl::StatusOr<std::string> AllocationBackend(const std::vector<std::string>& backends, fta::v1::FtaKind requested) {
  if (backends.empty()) return absl::FailedPreconditionError("kind: this host offers no backend");
  if (requested == fta::v1::FTA_KIND_UNSPECIFIED) return backends.front();
  std::vector<std::string> offered;
  for (const std::string& backend : backends) {
    if (KindOf(backend) == requested) return backend;
    offered.push_back(fta::v1::FtaKind_Name(KindOf(backend)));
  }
  // One backend: its own message says which key would change it.
  if (backends.size() == 1) {
    FTA_RETURN_IF_ERROR(AllocationKind(backends.front(), requested).status());
  }
  if (!IsAllocatedKind(requested)) {
    return absl::InvalidArgumentError(
        absl::StrCat("kind: ", fta::v1::FtaKind_Name(requested), " cannot be allocated (process, vm or container)"));
  }
  return absl::FailedPreconditionError(absl::StrCat("kind: this host starts ", absl::StrJoin(offered, " and "),
                                                    ", not ", fta::v1::FtaKind_Name(requested)));
}

std::string BackendWord(fta::v1::Backend backend) {
  switch (backend) {
    case fta::v1::BACKEND_PROCESS: return "process";
    case fta::v1::BACKEND_LIBVIRT: return "libvirt";
    case fta::v1::BACKEND_LXC: return "lxc";
    default: return "";
  }
}

}  // namespace fta::hostd
