// The built-in IOR-compatible POSIX file-per-process engine: one instance per
// rank. It reproduces what IOR does between its timers (see
// shared/docs/ior-reference.md §2.1 and §11): open, write/read of
// `segments x (block/transfer)` transfers at offset i*block + j*transfer,
// optional fsync at the end of the write loop, close; wall-clock timestamps
// around each step.
//
//   PosixEngine engine(params, /*rank=*/3, /*total_ranks=*/8, signature, &clock);
//   absl::StatusOr<PhaseMeasurement> w = engine.Write(&counters, &cancel);
//
// Barriers between agents are not the engine's business: the caller starts a
// phase when the coordinator says GO, and supplies a PhaseSync for the points
// inside a phase where IOR's ranks meet (-g barriers, -D wear-out).
//
// Transfer order: transfer k of a phase (k = 0 .. segments*b/t - 1) is in
// segment k / (b/t) at offset segment*b + j*t with j = k % (b/t), or with -z
// j = P[k % (b/t)] for one permutation P of 0..b/t-1 (Fisher-Yates over
// std::mt19937_64 seeded with random_seed, or the signature when it is 0),
// the same for every segment and every rank.
//
// -D N: after every transfer, a loop running for more than N s stops
// (stonewalled). With wear-out the rank then reports its count through
// PhaseSync::AgreeTransferCount and goes on until it has done the maximum
// over all ranks (every rank calls it, also those that finished in time).
// PhaseHooks::max_transfers caps a phase (the read after a stonewalled write).
//
// Data pattern (what Write puts in the file; PatternWord computes it).
// The file is a sequence of 8-byte words in host byte order. With t = transfer
// size and `pos` = offset % t (the position inside the transfer that wrote
// the word):
//   * pos % 4096 == 0 (first word of each 4 KiB page of the transfer buffer):
//       offset stamp  ((uint64)(rank % 2^14) << 50) | offset
//     (offsets are < 2^50 because a rank moves at most 1 PiB), so a hexdump
//     shows rank and file offset, and a transfer landing at the wrong place
//     or in the wrong rank's file is caught;
//   * every other word:
//       ((uint64)rank << 32) | (uint32)(signature + pos / 8)
//     i.e. IOR's default "timestamp" packet.
// The buffer is filled once per write phase (outside the timers); per
// transfer only the t/4096 page stamps are rewritten, so pattern cost stays
// negligible next to the copy into the page cache (this engine is measured
// against fio).
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "lib/core/clock.h"
#include "lib/ior/ior_params.h"

namespace fta::ior {

// Wall-clock nanoseconds around each step of one phase, like IOR's t[0..5].
struct PhaseMeasurement {
  int64_t open_start_ns = 0;
  int64_t open_end_ns = 0;
  int64_t xfer_start_ns = 0;
  int64_t xfer_end_ns = 0;
  int64_t close_start_ns = 0;
  int64_t close_end_ns = 0;
  uint64_t bytes = 0;  // bytes returned by write()/read()
  uint64_t ops = 0;    // completed transfers
  // -D: transfers done when the deadline hit (0 when it did not) and when.
  uint64_t stonewall_ops = 0;
  int64_t stonewall_ns = 0;
};

// Live counters the engine bumps after every transfer, read concurrently by
// the agent's sampler thread.
struct LiveCounters {
  std::atomic<uint64_t> bytes{0};
  std::atomic<uint64_t> ops{0};
};

// Where ranks meet inside a phase. Implementations block until every rank of
// the job has arrived (across agents) and return an error (CANCELLED) when the
// job is dropped meanwhile.
enum class SyncPoint { kAfterOpen, kAfterTransfers };

class PhaseSync {
 public:
  virtual ~PhaseSync() = default;
  // -g: after open and after the transfer loop (the -e fsync included).
  virtual absl::Status Barrier(SyncPoint point) = 0;
  // Wear-out: `transfers_done` is this rank's count; returns the maximum over
  // all ranks.
  virtual absl::StatusOr<uint64_t> AgreeTransferCount(uint64_t transfers_done) = 0;
};

struct PhaseHooks {
  PhaseSync* sync = nullptr;   // null: a job of one rank (barriers are no-ops)
  uint64_t max_transfers = 0;  // 0: every transfer of segments x block
  // The common start: called after everything untimed, right before the
  // open's timestamp; an error ends the phase with it. Empty: start at once.
  std::function<absl::Status()> await_start;
};

// Size of the pages whose first word carries an offset stamp.
inline constexpr uint64_t kPatternPageSize = 4096;

class PosixEngine {
 public:
  // `signature` seeds the data pattern (IOR: timestamp signature); all ranks
  // of a job share it. `clock` is not owned. `params` should have passed
  // Validate(); Write/Read check again and fail with INVALID_ARGUMENT
  // otherwise (also for rank outside [0, total_ranks)).
  PosixEngine(IorParams params, int rank, int total_ranks, int64_t signature, const Clock* clock);
  PosixEngine(PosixEngine&&) noexcept = default;
  PosixEngine& operator=(PosixEngine&&) noexcept = default;
  PosixEngine(const PosixEngine&) = delete;
  PosixEngine& operator=(const PosixEngine&) = delete;

  // Write phase: the directory is refused when it is a system directory or a
  // symbolic link (see safe_dir.h); with -u create <dir>/<rank> (0775, not
  // timed); unless use_existing, unlink the own file first (not timed) and
  // create it with O_EXCL; then openat(O_CREAT|O_RDWR|O_NOFOLLOW[|O_DIRECT],
  // 0664) relative to the directory, without O_TRUNC, [-g barrier],
  // transfers [-Y fsync each], optional -e fsync, [-g barrier], close. Retries short writes. Stops early with
  // CANCELLED when *cancel becomes true (checked after every transfer). `counters` and `cancel` may be null.
  absl::StatusOr<PhaseMeasurement> Write(LiveCounters* counters, const std::atomic<bool>* cancel);
  absl::StatusOr<PhaseMeasurement> Write(LiveCounters* counters, const std::atomic<bool>* cancel,
                                         const PhaseHooks& hooks);

  // Read phase: reads the file of ReadTargetRank() (itself unless -C) with the
  // same offsets. A file shorter than segments*block is an OUT_OF_RANGE error
  // naming the file and offset. The data is verified only with verify_read
  // (DATA_LOSS naming file, offset, expected and found word).
  absl::StatusOr<PhaseMeasurement> Read(LiveCounters* counters, const std::atomic<bool>* cancel);
  absl::StatusOr<PhaseMeasurement> Read(LiveCounters* counters, const std::atomic<bool>* cancel,
                                        const PhaseHooks& hooks);

  // Unlink the own file (IOR's end-of-iteration remove without -k). A file
  // that does not exist is not an error.
  absl::Status Remove();

  // -C: see ior::ReadTargetRank (each agent is a node).
  int ReadTargetRank() const;

  // File offset of transfer `k` of a phase (see "Transfer order").
  uint64_t TransferOffset(uint64_t k) const;

  // Path this engine writes (its own rank's file).
  std::string WritePath() const;
  // Path this engine reads (ReadTargetRank()'s file).
  std::string ReadPath() const;

  // The 8-byte word expected at the 8-aligned `offset` of `rank`'s file
  // written with `transfer_size` (see the pattern above).
  static uint64_t PatternWord(int rank, int64_t signature, uint64_t transfer_size, uint64_t offset);

 private:
  struct FreeDeleter {
    void operator()(void* p) const { std::free(p); }
  };

  enum class Direction { kWrite, kRead };

  absl::Status CheckRunnable() const;
  absl::Status EnsureBuffer();
  void FillPattern();
  // verify_read: the words of one read transfer against ReadTargetRank()'s pattern.
  absl::Status VerifyTransfer(const unsigned char* data, uint64_t offset, const std::string& path) const;
  absl::StatusOr<PhaseMeasurement> RunPhase(Direction direction, LiveCounters* counters,
                                            const std::atomic<bool>* cancel, const PhaseHooks& hooks);
  // One phase's open file and what its transfers report to.
  struct OpenPhase {
    bool writing;
    int fd;
    std::string path;
    uint64_t expected_size;
    LiveCounters* counters;
    const std::atomic<bool>* cancel;
  };
  // -z: the shuffled transfer order inside a block, drawn once per engine.
  void EnsurePermutation();
  // Transfer number k of the phase.
  absl::Status Transfer(const OpenPhase& phase, uint64_t k, PhaseMeasurement* m);
  // The transfer loop: up to `planned` transfers, -D stonewall, wear-out.
  absl::Status TransferAll(const OpenPhase& phase, uint64_t planned, const PhaseHooks& hooks, PhaseMeasurement* m);

  IorParams params_;
  int rank_;
  int total_ranks_;
  int64_t signature_;
  const Clock* clock_;
  // transfer_size bytes, 4096-aligned, allocated on first use.
  std::unique_ptr<unsigned char, FreeDeleter> buffer_;
  // -z: the permutation of transfer indices inside a block.
  std::vector<uint64_t> permutation_;
};

}  // namespace fta::ior
