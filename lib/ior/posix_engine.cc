#include "lib/ior/posix_engine.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/types.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "lib/core/status_macros.h"
#include "lib/core/units.h"

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

// Closes the descriptor on early returns; the success path closes it itself
// so that close() can be timed and its error reported.
class FdCloser {
 public:
  explicit FdCloser(int fd) : fd_(fd) {}
  ~FdCloser() {
    if (fd_ >= 0) ::close(fd_);
  }
  FdCloser(const FdCloser&) = delete;
  FdCloser& operator=(const FdCloser&) = delete;
  int Release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

bool Cancelled(const std::atomic<bool>* cancel) {
  return cancel != nullptr && cancel->load(std::memory_order_relaxed);
}

void Count(LiveCounters* counters, uint64_t bytes) {
  if (counters == nullptr) return;
  counters->bytes.fetch_add(bytes, std::memory_order_relaxed);
  counters->ops.fetch_add(1, std::memory_order_relaxed);
}

// pwrite() until all `size` bytes are written: short writes (signals, quota
// edges, network file systems) are retried like IOR does.
absl::Status WriteFully(int fd, const unsigned char* data, uint64_t size, uint64_t offset,
                        const std::string& path) {
  uint64_t done = 0;
  while (done < size) {
    ssize_t n = ::pwrite(fd, data + done, size - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError(errno, absl::StrCat("write ", path, " at offset ", offset + done));
    }
    if (n == 0) {
      return absl::DataLossError(
          absl::StrCat("write ", path, " at offset ", offset + done, ": wrote 0 bytes"));
    }
    done += static_cast<uint64_t>(n);
  }
  return absl::OkStatus();
}

absl::Status ReadFully(int fd, unsigned char* data, uint64_t size, uint64_t offset,
                       uint64_t expected_file_size, const std::string& path) {
  uint64_t done = 0;
  while (done < size) {
    ssize_t n = ::pread(fd, data + done, size - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError(errno, absl::StrCat("read ", path, " at offset ", offset + done));
    }
    if (n == 0) {
      return absl::OutOfRangeError(
          absl::StrCat("read ", path, ": unexpected end of file at offset ", offset + done,
                       " (expected a file of ", expected_file_size,
                       " bytes = segments x block; was it written "
                       "with the same -s/-b?)"));
    }
    done += static_cast<uint64_t>(n);
  }
  return absl::OkStatus();
}

}  // namespace

PosixEngine::PosixEngine(IorParams params, int rank, int total_ranks, int64_t signature,
                         const Clock* clock)
    : params_(std::move(params)),
      rank_(rank),
      total_ranks_(total_ranks),
      signature_(signature),
      clock_(clock) {}

absl::Status PosixEngine::CheckRunnable() const {
  FTA_RETURN_IF_ERROR(Validate(params_));
  if (total_ranks_ < 1 || rank_ < 0 || rank_ >= total_ranks_) {
    return absl::InvalidArgumentError(
        absl::StrCat("rank ", rank_, " is outside [0, ", total_ranks_, ")"));
  }
  if (clock_ == nullptr) return absl::InvalidArgumentError("PosixEngine needs a clock");
  return absl::OkStatus();
}

absl::Status PosixEngine::EnsureBuffer() {
  if (buffer_ != nullptr) return absl::OkStatus();
  void* memory = nullptr;
  int rc = ::posix_memalign(&memory, kBufferAlignment, params_.transfer_size);
  if (rc != 0) {
    return absl::ResourceExhaustedError(absl::StrCat("cannot allocate a ",
                                                     FormatSize(params_.transfer_size),
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

absl::StatusOr<PhaseMeasurement> PosixEngine::Write(LiveCounters* counters,
                                                    const std::atomic<bool>* cancel) {
  FTA_RETURN_IF_ERROR(CheckRunnable());
  FTA_RETURN_IF_ERROR(EnsureBuffer());
  // Refilled per phase (not per engine) because a read phase reuses the
  // buffer; it is O(transfer size) and outside the timers.
  FillPattern();
  const std::string path = WritePath();
  if (!params_.use_existing && ::unlink(path.c_str()) != 0 && errno != ENOENT) {
    return ErrnoError(errno, absl::StrCat("unlink ", path));
  }

  const uint64_t transfer = params_.transfer_size;
  const uint64_t transfers_per_block = params_.block_size / transfer;
  unsigned char* buffer = buffer_.get();
  PhaseMeasurement m;

  m.open_start_ns = clock_->NowUnixNanos();
  // No O_TRUNC, like IOR: with -E an existing file is overwritten in place.
  int fd = ::open(path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0664);
  if (fd < 0) return ErrnoError(errno, absl::StrCat("open ", path));
  m.open_end_ns = clock_->NowUnixNanos();
  FdCloser closer(fd);

  m.xfer_start_ns = clock_->NowUnixNanos();
  for (uint64_t segment = 0; segment < params_.segments; ++segment) {
    for (uint64_t j = 0; j < transfers_per_block; ++j) {
      const uint64_t offset = segment * params_.block_size + j * transfer;
      for (uint64_t page = 0; page < transfer; page += kPatternPageSize) {
        uint64_t stamp = OffsetStamp(rank_, offset + page);
        std::memcpy(buffer + page, &stamp, sizeof(stamp));
      }
      FTA_RETURN_IF_ERROR(WriteFully(fd, buffer, transfer, offset, path));
      m.bytes += transfer;
      ++m.ops;
      Count(counters, transfer);
      if (Cancelled(cancel)) {
        return absl::CancelledError(
            absl::StrCat("write ", path, " cancelled after ", m.ops, " transfers"));
      }
    }
  }
  // -e: one fsync inside the transfer interval, as IOR does.
  if (params_.fsync && ::fsync(fd) != 0) return ErrnoError(errno, absl::StrCat("fsync ", path));
  m.xfer_end_ns = clock_->NowUnixNanos();

  m.close_start_ns = clock_->NowUnixNanos();
  if (::close(closer.Release()) != 0) return ErrnoError(errno, absl::StrCat("close ", path));
  m.close_end_ns = clock_->NowUnixNanos();
  return m;
}

absl::StatusOr<PhaseMeasurement> PosixEngine::Read(LiveCounters* counters,
                                                   const std::atomic<bool>* cancel) {
  FTA_RETURN_IF_ERROR(CheckRunnable());
  FTA_RETURN_IF_ERROR(EnsureBuffer());
  const std::string path = ReadPath();
  const uint64_t transfer = params_.transfer_size;
  const uint64_t transfers_per_block = params_.block_size / transfer;
  const uint64_t expected_size = BytesPerRank(params_);
  unsigned char* buffer = buffer_.get();
  PhaseMeasurement m;

  m.open_start_ns = clock_->NowUnixNanos();
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoError(errno, absl::StrCat("open ", path));
  m.open_end_ns = clock_->NowUnixNanos();
  FdCloser closer(fd);

  m.xfer_start_ns = clock_->NowUnixNanos();
  for (uint64_t segment = 0; segment < params_.segments; ++segment) {
    for (uint64_t j = 0; j < transfers_per_block; ++j) {
      const uint64_t offset = segment * params_.block_size + j * transfer;
      FTA_RETURN_IF_ERROR(ReadFully(fd, buffer, transfer, offset, expected_size, path));
      m.bytes += transfer;
      ++m.ops;
      Count(counters, transfer);
      if (Cancelled(cancel)) {
        return absl::CancelledError(
            absl::StrCat("read ", path, " cancelled after ", m.ops, " transfers"));
      }
    }
  }
  m.xfer_end_ns = clock_->NowUnixNanos();

  m.close_start_ns = clock_->NowUnixNanos();
  if (::close(closer.Release()) != 0) return ErrnoError(errno, absl::StrCat("close ", path));
  m.close_end_ns = clock_->NowUnixNanos();
  return m;
}

absl::Status PosixEngine::Remove() {
  const std::string path = WritePath();
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
    return ErrnoError(errno, absl::StrCat("unlink ", path));
  }
  return absl::OkStatus();
}

int PosixEngine::ReadTargetRank() const {
  if (!params_.reorder_tasks || total_ranks_ < 1) return rank_;
  const uint64_t total = static_cast<uint64_t>(total_ranks_);
  return static_cast<int>((static_cast<uint64_t>(rank_) + params_.task_offset % total) % total);
}

std::string PosixEngine::WritePath() const { return RankFilePath(params_, rank_); }

std::string PosixEngine::ReadPath() const { return RankFilePath(params_, ReadTargetRank()); }

uint64_t PosixEngine::PatternWord(int rank, int64_t signature, uint64_t transfer_size,
                                  uint64_t offset) {
  const uint64_t position = transfer_size == 0 ? offset : offset % transfer_size;
  if (position % kPatternPageSize == 0) return OffsetStamp(rank, offset);
  return TimestampWord(rank, signature, position / 8);
}

}  // namespace fta::ior
