#include "lib/fleet/fta_kinds.h"

#include "absl/strings/str_cat.h"

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

}  // namespace fta::hostd
