// The memory a job's transfer buffers take on one FTA: each rank holds one
// transfer-size buffer, so transfer size x ranks per FTA must fit in the
// FTA's memory with room to spare (half of it), or `-t 8g` on four ranks
// would ask a host for 32 GiB before the first byte moves.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "absl/status/status.h"
#include "fta/v1/common.pb.h"
#include "lib/ior/ior_params.h"

namespace fta::hostd {

// INVALID_ARGUMENT naming transfer_size (-t), the product, the FTA and its
// memory when transfer_size x ranks_per_fta exceeds half the memory of one
// of `targets`. `memory_of_kind` gives an FTA kind's memory in bytes (<= 0
// unknown: not checked); null: this host's physical memory for every kind.
absl::Status CheckTransferBuffers(const ior::IorParams& params, int ranks_per_fta,
                                  const std::vector<fta::v1::Fta>& targets,
                                  const std::function<int64_t(fta::v1::FtaKind)>& memory_of_kind);

// This host's physical memory in bytes.
int64_t HostMemoryBytes();

}  // namespace fta::hostd
