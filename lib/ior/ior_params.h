// The parameters of one IOR POSIX file-per-process run, validated with IOR's
// own rules before anything touches a file.
//
//   IorParams params;
//   params.transfer_size = 100 << 10;   // -t 100k
//   params.block_size = 64000 << 10;    // -b 64000k
//   params.directory = "/lustre/scratch/ior";
//   FTA_RETURN_IF_ERROR(Validate(params));
//   RankFilePath(params, 3) == "/lustre/scratch/ior/testfile.00000003"
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/status.h"

namespace fta::ior {

struct IorParams {
  uint64_t transfer_size = 262144;        // -t
  uint64_t block_size = 1048576;          // -b
  uint64_t segments = 1;                  // -s
  uint64_t iterations = 1;                // -i
  bool write = true;                      // -w
  bool read = true;                       // -r
  bool fsync = false;                     // -e: one fsync at the end of the write loop, timed
  bool keep_files = false;                // -k
  bool reorder_tasks = false;             // -C: reader reads the file of rank + task_offset
  uint64_t task_offset = 1;               // -Q
  // Ranks per node (here: per agent), IOR's tasks on node 0: -C shifts by
  // task_offset nodes, so by task_offset x tasks_per_node ranks.
  uint64_t tasks_per_node = 1;
  bool use_existing = false;              // -E: do not unlink before writing
  bool fsync_per_write = false;           // -Y: fsync after every write (timed)
  bool random_offset = false;             // -z: shuffled transfer order inside each block
  uint64_t random_seed = 0;               // seed of the -z permutation (0: the job signature)
  uint64_t deadline_seconds = 0;          // -D: stonewall a phase's loop after N s (0: off)
  bool stonewall_wear_out = false;        // with -D: every rank continues to the max count
  uint64_t inter_test_delay_seconds = 0;  // -d (ftactl --delay): sleep before each phase
  uint64_t max_minutes = 0;               // -T: skip phases starting after N minutes (0: off)
  bool intra_test_barriers = false;       // -g: barriers after open and after the loop
  bool unique_dir = false;                // -u: each rank's file in <dir>/<rank>/
  bool odirect = false;                   // --posix.odirect: O_DIRECT, 4 KiB aligned sizes
  bool verify_read = false;               // like IOR -R: compare read data with the pattern
                                          // (inside the read loop: slows the timed phase)
  std::string directory;                  // where files live
  std::string file_name = "testfile";     // base name; files are <dir>/<name>.%08d
};

// Limits against absurd requests (IOR itself has none; a typo such as
// "-s 1000000000000" should fail at once, not after filling a file system).
inline constexpr uint64_t kMaxSegments = 1'000'000'000;
inline constexpr uint64_t kMaxIterations = 100'000;
inline constexpr uint64_t kMaxBytesPerRank = uint64_t{1} << 50;  // 1 PiB
// -z keeps one permutation of a block's transfers in memory (8 bytes each).
inline constexpr uint64_t kMaxShuffledTransfersPerBlock = uint64_t{1} << 27;
// O_DIRECT alignment demanded of transfer sizes (and so of every offset):
// the page size, which covers the logical block size of every local disk.
inline constexpr uint64_t kDirectIoAlignment = 4096;
inline constexpr uint64_t kMaxDeadlineSeconds = 7 * 24 * 3600;
inline constexpr uint64_t kMaxDelaySeconds = 24 * 3600;
inline constexpr uint64_t kMaxMinutes = 7 * 24 * 60;

// IOR's rules plus the limits above. Errors are INVALID_ARGUMENT and start
// with the option they concern:
//   -t  transfer size > 0 and a multiple of 8 bytes
//   -b  block size > 0, a multiple of 8, >= and a multiple of the transfer size
//   -s  1 <= segments <= kMaxSegments
//   -i  1 <= iterations <= kMaxIterations
//   -w/-r  at least one phase (IOR's "neither means both" is the caller's job)
//   -Q  task offset >= 1
//   -s/-b  segments * block fits in 64 bits and is <= kMaxBytesPerRank
//   directory  non-empty and absolute;  file name  non-empty, no '/'
//   -z  block size > transfer size (IOR: nothing to shuffle otherwise) and
//       at most kMaxShuffledTransfersPerBlock transfers per block
//   --stonewall-wear-out  needs -D
//   --odirect  transfer size a multiple of kDirectIoAlignment (IOR itself
//       only finds out when write() fails with EINVAL and asserts)
//   -D, -d, -T  within the kMax* limits above
// Sizes in messages are spelled the IOR way ("64m", "100k"). Does not look at
// the file system.
absl::Status Validate(const IorParams& params);

// Path of rank `rank`'s file: <directory>/<file_name>.%08d (trailing slashes
// of the directory are not doubled); with -u <directory>/<rank>/<file_name>.%08d.
std::string RankFilePath(const IorParams& params, int rank);
// Its last component alone: <file_name>.%08d (inside RankDirectory()).
std::string RankFileName(const IorParams& params, int rank);

// The rank whose file `rank` reads: with -C, IOR's rankOffset =
// (task_offset x tasks_per_node) % total_ranks under block placement (ranks
// 0..n-1 on the first node), so readers move to another node, and one node
// holding every rank (the native baseline) reads its own files; else `rank`.
int ReadTargetRank(const IorParams& params, int rank, int total_ranks);

// Bytes each rank moves per phase: segments * block_size. Only meaningful for
// validated parameters (no overflow check here).
uint64_t BytesPerRank(const IorParams& params);

// Transfers each rank makes per phase: segments * (block_size / transfer_size).
uint64_t TransfersPerRank(const IorParams& params);

// -u: the directory holding rank `rank`'s file (<directory>/<rank>), else
// the directory itself (without trailing slashes).
std::string RankDirectory(const IorParams& params, int rank);

}  // namespace fta::ior
