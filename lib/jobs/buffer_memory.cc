#include "lib/jobs/buffer_memory.h"

#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "lib/core/units.h"

namespace fta::hostd {

int64_t HostMemoryBytes() { return static_cast<int64_t>(sysconf(_SC_PHYS_PAGES)) * sysconf(_SC_PAGESIZE); }

absl::Status CheckTransferBuffers(const ior::IorParams& params, int ranks_per_fta,
                                  const std::vector<fta::v1::Fta>& targets,
                                  const std::function<int64_t(fta::v1::FtaKind)>& memory_of_kind) {
  const uint64_t ranks = static_cast<uint64_t>(ranks_per_fta < 1 ? 1 : ranks_per_fta);
  const uint64_t buffers = params.transfer_size * ranks;  // both bounded by Validate and kMaxRanksPerFta
  for (const fta::v1::Fta& fta : targets) {
    const int64_t memory = memory_of_kind ? memory_of_kind(fta.kind()) : HostMemoryBytes();
    if (memory <= 0) continue;
    const uint64_t limit = static_cast<uint64_t>(memory) / 2;
    if (buffers > limit) {
      return absl::InvalidArgumentError(absl::StrCat(
          "transfer_size (-t): ", FormatSize(params.transfer_size), " x ", ranks, " rank(s) per FTA = ",
          FormatSize(buffers), " of transfer buffers on ", fta.id(), ", more than half of its ",
          FormatSize(static_cast<uint64_t>(memory)), " of memory (at most ", FormatSize(limit),
          "); use a smaller -t or fewer ranks per FTA"));
    }
  }
  return absl::OkStatus();
}

}  // namespace fta::hostd
