#include "lib/ior/posix_engine.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <numeric>
#include <random>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lib/core/status_macros.h"
#include "lib/core/units.h"
#include "lib/ior/safe_dir.h"

namespace fta::ior {
namespace {

constexpr uint64_t kBufferAlignment = 4096;
constexpr uint64_t kStampRankBits = 14;
constexpr uint64_t kStampOffsetBits = 50;  // matches kMaxBytesPerRank

uint64_t OffsetStamp(int rank, uint64_t offset) {
  uint64_t rank_bits =
      static_cast<uint64_t>(static_cast<uint32_t>(rank)) & ((uint64_t{1} << kStampRankBits) - 1);
  return (rank_bits << kStampOffsetBits) | offset;
}

uint64_t TimestampWord(int rank, int64_t signature, uint64_t word_index) {
  uint64_t high = static_cast<uint64_t>(static_cast<uint32_t>(rank)) << 32;
  uint32_t low = static_cast<uint32_t>(static_cast<uint64_t>(signature) + word_index);
  return high | low;
}

absl::Status ErrnoError(int error_number, const std::string& what) {
  return absl::ErrnoToStatus(error_number, what);
}

bool Cancelled(const std::atomic<bool>* cancel) {
  return cancel != nullptr && cancel->load(std::memory_order_relaxed);
}

void Count(LiveCounters* counters, uint64_t bytes) {
  if (counters == nullptr) return;
  counters->bytes.fetch_add(bytes, std::memory_order_relaxed);
  counters->ops.fetch_add(1, std::memory_order_relaxed);
}

// pwrite() or pread() until all `size` bytes are moved: short transfers
// (signals, quota edges, network file systems) are retried like IOR does.
absl::Status MoveFully(bool writing, int fd, unsigned char* data, uint64_t size, uint64_t offset,
                       uint64_t expected_file_size, const std::string& path) {
  uint64_t done = 0;
  while (done < size) {
    const off_t at = static_cast<off_t>(offset + done);
    ssize_t n = writing ? ::pwrite(fd, data + done, size - done, at) : ::pread(fd, data + done, size - done, at);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      return ErrnoError(errno, absl::StrCat(writing ? "write " : "read ", path, " at offset ", offset + done));
    }
    if (n == 0 && writing) {
      return absl::DataLossError(absl::StrCat("write ", path, " at offset ", offset + done, ": wrote 0 bytes"));
    }
    if (n == 0) {
      return absl::OutOfRangeError(absl::StrCat("read ", path, ": unexpected end of file at offset ",
                                                offset + done, " (expected a file of ", expected_file_size,
                                                " bytes = segments x block; was it written "
                                                "with the same -s/-b?)"));
    }
    done += static_cast<uint64_t>(n);
  }
  return absl::OkStatus();
}

}  // namespace

PosixEngine::PosixEngine(IorParams params, int rank, int total_ranks, int64_t signature, const Clock* clock)
    : params_(std::move(params)),
      rank_(rank),
      total_ranks_(total_ranks),
      signature_(signature),
      clock_(clock) {}

absl::Status PosixEngine::CheckRunnable() const {
  FTA_RETURN_IF_ERROR(Validate(params_));
  if (total_ranks_ < 1 || rank_ < 0 || rank_ >= total_ranks_) {
    return absl::InvalidArgumentError(absl::StrCat("rank ", rank_, " is outside [0, ", total_ranks_, ")"));
  }
  if (clock_ == nullptr) return absl::InvalidArgumentError("PosixEngine needs a clock");
  return absl::OkStatus();
}

absl::Status PosixEngine::EnsureBuffer() {
  if (buffer_ != nullptr) return absl::OkStatus();
  void* memory = nullptr;
  int rc = ::posix_memalign(&memory, kBufferAlignment, params_.transfer_size);
  if (rc != 0) {
    return absl::ResourceExhaustedError(absl::StrCat("cannot allocate a ", FormatSize(params_.transfer_size),
                                                     " transfer buffer: ", std::strerror(rc)));
  }
  buffer_.reset(static_cast<unsigned char*>(memory));
  return absl::OkStatus();
}

void PosixEngine::FillPattern() {
  auto* words = reinterpret_cast<uint64_t*>(buffer_.get());
  const uint64_t count = params_.transfer_size / 8;
  for (uint64_t k = 0; k < count; ++k) words[k] = TimestampWord(rank_, signature_, k);
}

absl::StatusOr<PhaseMeasurement> PosixEngine::Write(LiveCounters* counters, const std::atomic<bool>* cancel) {
  return RunPhase(Direction::kWrite, counters, cancel, PhaseHooks{});
}

absl::StatusOr<PhaseMeasurement> PosixEngine::Write(LiveCounters* counters, const std::atomic<bool>* cancel,
                                                    const PhaseHooks& hooks) {
  return RunPhase(Direction::kWrite, counters, cancel, hooks);
}

absl::StatusOr<PhaseMeasurement> PosixEngine::Read(LiveCounters* counters, const std::atomic<bool>* cancel) {
  return RunPhase(Direction::kRead, counters, cancel, PhaseHooks{});
}

absl::StatusOr<PhaseMeasurement> PosixEngine::Read(LiveCounters* counters, const std::atomic<bool>* cancel,
                                                   const PhaseHooks& hooks) {
  return RunPhase(Direction::kRead, counters, cancel, hooks);
}

absl::Status PosixEngine::VerifyTransfer(const unsigned char* data, uint64_t offset,
                                         const std::string& path) const {
  const int writer = ReadTargetRank();
  for (uint64_t position = 0; position < params_.transfer_size; position += 8) {
    uint64_t got;
    std::memcpy(&got, data + position, sizeof(got));
    const uint64_t want = PatternWord(writer, signature_, params_.transfer_size, offset + position);
    if (got != want) {
      return absl::DataLossError(
          absl::StrFormat("read %s: data at offset %d is 0x%016x, expected 0x%016x (rank %d's pattern)", path,
                          offset + position, got, want, writer));
    }
  }
  return absl::OkStatus();
}

uint64_t PosixEngine::TransferOffset(uint64_t k) const {
  const uint64_t transfers_per_block = params_.block_size / params_.transfer_size;
  const uint64_t segment = k / transfers_per_block;
  uint64_t j = k % transfers_per_block;
  if (!permutation_.empty()) j = permutation_[j];
  return segment * params_.block_size + j * params_.transfer_size;
}

void PosixEngine::EnsurePermutation() {
  if (!params_.random_offset || !permutation_.empty()) return;
  permutation_.resize(params_.block_size / params_.transfer_size);
  std::iota(permutation_.begin(), permutation_.end(), uint64_t{0});
  const uint64_t seed = params_.random_seed != 0 ? params_.random_seed : static_cast<uint64_t>(signature_);
  std::mt19937_64 generator(seed);
  for (uint64_t i = permutation_.size() - 1; i > 0; --i) {
    std::uniform_int_distribution<uint64_t> pick(0, i);
    std::swap(permutation_[i], permutation_[pick(generator)]);
  }
}

absl::Status PosixEngine::Transfer(const OpenPhase& phase, uint64_t k, PhaseMeasurement* m) {
  const uint64_t transfer = params_.transfer_size;
  const uint64_t offset = TransferOffset(k);
  unsigned char* buffer = buffer_.get();
  if (phase.writing) {
    // The pattern's page stamps follow the offset (also under -z).
    for (uint64_t page = 0; page < transfer; page += kPatternPageSize) {
      uint64_t stamp = OffsetStamp(rank_, offset + page);
      std::memcpy(buffer + page, &stamp, sizeof(stamp));
    }
  }
  FTA_RETURN_IF_ERROR(MoveFully(phase.writing, phase.fd, buffer, transfer, offset, phase.expected_size, phase.path));
  if (phase.writing && params_.fsync_per_write && ::fsync(phase.fd) != 0) {
    return ErrnoError(errno, absl::StrCat("fsync ", phase.path, " (-Y)"));
  }
  if (!phase.writing && params_.verify_read) FTA_RETURN_IF_ERROR(VerifyTransfer(buffer, offset, phase.path));
  m->bytes += transfer;
  ++m->ops;
  Count(phase.counters, transfer);
  if (Cancelled(phase.cancel)) {
    return absl::CancelledError(absl::StrCat(phase.writing ? "write" : "read", " ", phase.path, " cancelled after ",
                                             m->ops, " transfers"));
  }
  return absl::OkStatus();
}

absl::Status PosixEngine::TransferAll(const OpenPhase& phase, uint64_t planned, const PhaseHooks& hooks,
                                      PhaseMeasurement* m) {
  const int64_t deadline_ns = static_cast<int64_t>(params_.deadline_seconds) * 1'000'000'000;
  uint64_t k = 0;
  for (; k < planned; ++k) {
    FTA_RETURN_IF_ERROR(Transfer(phase, k, m));
    if (deadline_ns > 0) {
      const int64_t now = clock_->NowUnixNanos();
      if (now - m->xfer_start_ns > deadline_ns && k + 1 < planned) {
        m->stonewall_ops = k + 1;
        m->stonewall_ns = now;
        ++k;
        break;
      }
    }
  }
  if (params_.stonewall_wear_out && deadline_ns > 0) {
    uint64_t target = k;
    if (hooks.sync != nullptr) {
      FTA_ASSIGN_OR_RETURN(target, hooks.sync->AgreeTransferCount(k));
    }
    for (target = std::min(target, planned); k < target; ++k) FTA_RETURN_IF_ERROR(Transfer(phase, k, m));
  }
  return absl::OkStatus();
}

absl::StatusOr<PhaseMeasurement> PosixEngine::RunPhase(Direction direction, LiveCounters* counters,
                                                       const std::atomic<bool>* cancel,
                                                       const PhaseHooks& hooks) {
  FTA_RETURN_IF_ERROR(CheckRunnable());
  FTA_RETURN_IF_ERROR(EnsureBuffer());
  EnsurePermutation();
  const bool writing = direction == Direction::kWrite;
  const std::string path = writing ? WritePath() : ReadPath();
  // Refilled per phase (not per engine) because a read phase reuses the
  // buffer; it is O(transfer size) and outside the timers.
  if (writing) FillPattern();
  uint64_t planned = TransfersPerRank(params_);
  if (hooks.max_transfers > 0) planned = std::min(planned, hooks.max_transfers);
  PhaseMeasurement m;

  // Outside the timers: the directory (-u: created), opened without
  // following links, and (unless -E) the old file removed.
  const int file_rank = writing ? rank_ : ReadTargetRank();
  FTA_RETURN_IF_ERROR(CheckNotSystemDirectory("directory (-d)", params_.directory));
  FTA_ASSIGN_OR_RETURN(ScopedFd directory, OpenRankDirectory(params_, file_rank, /*create=*/writing));
  if (writing && !params_.use_existing) FTA_RETURN_IF_ERROR(UnlinkRankFile(directory, params_, file_rank));
  if (hooks.await_start) FTA_RETURN_IF_ERROR(hooks.await_start());
  m.open_start_ns = clock_->NowUnixNanos();
  FTA_ASSIGN_OR_RETURN(ScopedFd closer,
                       OpenRankFile(directory, params_, file_rank, writing, params_.odirect ? O_DIRECT : 0));
  const int fd = closer.get();
  m.open_end_ns = clock_->NowUnixNanos();
  if (params_.intra_test_barriers && hooks.sync != nullptr) {
    FTA_RETURN_IF_ERROR(hooks.sync->Barrier(SyncPoint::kAfterOpen));
  }

  m.xfer_start_ns = clock_->NowUnixNanos();
  const OpenPhase phase{writing, fd, path, BytesPerRank(params_), counters, cancel};
  FTA_RETURN_IF_ERROR(TransferAll(phase, planned, hooks, &m));
  // -e: one fsync inside the transfer interval, as IOR does.
  if (writing && params_.fsync && ::fsync(fd) != 0) {
    return ErrnoError(errno, absl::StrCat("fsync ", path));
  }
  m.xfer_end_ns = clock_->NowUnixNanos();
  if (params_.intra_test_barriers && hooks.sync != nullptr) {
    FTA_RETURN_IF_ERROR(hooks.sync->Barrier(SyncPoint::kAfterTransfers));
  }

  m.close_start_ns = clock_->NowUnixNanos();
  if (::close(closer.Release()) != 0) return ErrnoError(errno, absl::StrCat("close ", path));
  m.close_end_ns = clock_->NowUnixNanos();
  return m;
}

absl::Status PosixEngine::Remove() { return RemoveRankFile(params_, rank_); }

int PosixEngine::ReadTargetRank() const { return ior::ReadTargetRank(params_, rank_, total_ranks_); }

std::string PosixEngine::WritePath() const { return RankFilePath(params_, rank_); }

std::string PosixEngine::ReadPath() const { return RankFilePath(params_, ReadTargetRank()); }

uint64_t PosixEngine::PatternWord(int rank, int64_t signature, uint64_t transfer_size, uint64_t offset) {
  const uint64_t position = transfer_size == 0 ? offset : offset % transfer_size;
  if (position % kPatternPageSize == 0) return OffsetStamp(rank, offset);
  return TimestampWord(rank, signature, position / 8);
}

}  // namespace fta::ior
