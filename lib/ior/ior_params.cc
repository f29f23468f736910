#include "lib/ior/ior_params.h"

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "lib/core/units.h"

namespace fta::ior {
namespace {

absl::Status Invalid(absl::string_view option, absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat(option, ": ", message));
}

}  // namespace

absl::Status Validate(const IorParams& params) {
  // Transfer and block sizes must be multiples of 8 because IOR's data
  // pattern (and ours) is made of 8-byte words.
  if (params.transfer_size == 0) {
    return Invalid("-t", "transfer size must be greater than 0");
  }
  if (params.transfer_size % 8 != 0) {
    return Invalid("-t", absl::StrCat("transfer size must be a multiple of 8 bytes, got ",
                                      FormatSize(params.transfer_size)));
  }
  if (params.block_size == 0) {
    return Invalid("-b", "block size must be greater than 0");
  }
  if (params.block_size % 8 != 0) {
    return Invalid(
        "-b", absl::StrCat("block size must be a multiple of 8 bytes, got ", FormatSize(params.block_size)));
  }
  if (params.block_size < params.transfer_size) {
    return Invalid("-b", absl::StrCat("block size ", FormatSize(params.block_size),
                                      " is smaller than transfer size ", FormatSize(params.transfer_size)));
  }
  if (params.block_size % params.transfer_size != 0) {
    return Invalid("-b",
                   absl::StrCat("block size ", FormatSize(params.block_size),
                                " is not a multiple of transfer size ", FormatSize(params.transfer_size)));
  }
  if (params.segments < 1 || params.segments > kMaxSegments) {
    return Invalid(
        "-s", absl::StrCat("segment count must be between 1 and ", kMaxSegments, ", got ", params.segments));
  }
  if (params.iterations < 1 || params.iterations > kMaxIterations) {
    return Invalid(
        "-i", absl::StrCat("iterations must be between 1 and ", kMaxIterations, ", got ", params.iterations));
  }
  if (!params.write && !params.read) {
    return Invalid("-w/-r", "at least one of write (-w) and read (-r) must be enabled");
  }
  if (params.task_offset < 1) {
    return Invalid("-Q", absl::StrCat("task offset must be at least 1, got ", params.task_offset));
  }
  if (params.block_size > kMaxBytesPerRank / params.segments) {
    return Invalid("-s/-b", absl::StrCat("per-rank size ", params.segments, " segments x ",
                                         FormatSize(params.block_size), " exceeds the limit of ",
                                         FormatSize(kMaxBytesPerRank), " per rank"));
  }
  if (params.directory.empty()) {
    return Invalid("directory", "must not be empty");
  }
  if (params.directory.front() != '/') {
    return Invalid("directory", absl::StrCat("must be an absolute path, got \"", params.directory, "\""));
  }
  if (absl::StrContains(params.directory, '\0')) {
    return Invalid("directory", "must not contain a NUL byte");
  }
  if (params.file_name.empty()) {
    return Invalid("file name", "must not be empty");
  }
  if (absl::StrContains(params.file_name, '/')) {
    return Invalid("file name", absl::StrCat("must not contain '/', got \"", params.file_name,
                                             "\" (put directories in the directory)"));
  }
  if (absl::StrContains(params.file_name, '\0')) {
    return Invalid("file name", "must not contain a NUL byte");
  }
  if (params.random_offset) {
    if (params.block_size <= params.transfer_size) {
      return Invalid("-z",
                     absl::StrCat("random offsets need a block size larger than the transfer size "
                                  "(nothing to shuffle), got -b ",
                                  FormatSize(params.block_size), " -t ", FormatSize(params.transfer_size)));
    }
    if (params.block_size / params.transfer_size > kMaxShuffledTransfersPerBlock) {
      return Invalid("-z", absl::StrCat("at most ", kMaxShuffledTransfersPerBlock,
                                        " transfers per block can be shuffled, got ",
                                        params.block_size / params.transfer_size));
    }
  }
  if (params.stonewall_wear_out && params.deadline_seconds == 0) {
    return Invalid("--stonewall-wear-out", "needs a stonewalling deadline (-D N with N > 0)");
  }
  if (params.deadline_seconds > kMaxDeadlineSeconds) {
    return Invalid("-D", absl::StrCat("deadline must be at most ", kMaxDeadlineSeconds, " seconds, got ",
                                      params.deadline_seconds));
  }
  if (params.inter_test_delay_seconds > kMaxDelaySeconds) {
    return Invalid("--delay", absl::StrCat("delay must be at most ", kMaxDelaySeconds, " seconds, got ",
                                           params.inter_test_delay_seconds));
  }
  if (params.max_minutes > kMaxMinutes) {
    return Invalid("-T", absl::StrCat("maximum time must be at most ", kMaxMinutes, " minutes, got ",
                                      params.max_minutes));
  }
  if (params.odirect && params.transfer_size % kDirectIoAlignment != 0) {
    return Invalid("--odirect",
                   absl::StrCat("O_DIRECT needs a transfer size that is a multiple of ", kDirectIoAlignment,
                                " bytes (so every offset is aligned), got ", FormatSize(params.transfer_size),
                                " = ", params.transfer_size, " bytes"));
  }
  return absl::OkStatus();
}

std::string RankDirectory(const IorParams& params, int rank) {
  absl::string_view directory = params.directory;
  while (!directory.empty() && directory.back() == '/') directory.remove_suffix(1);
  if (params.unique_dir) return absl::StrFormat("%s/%d", directory, rank);
  return std::string(directory);
}

int ReadTargetRank(const IorParams& params, int rank, int total_ranks) {
  if (!params.reorder_tasks || total_ranks < 1) return rank;
  const uint64_t total = static_cast<uint64_t>(total_ranks);
  const uint64_t offset = (params.task_offset % total) * (params.tasks_per_node % total) % total;
  return static_cast<int>((static_cast<uint64_t>(rank) + offset) % total);
}

std::string RankFilePath(const IorParams& params, int rank) {
  return absl::StrCat(RankDirectory(params, rank), "/", RankFileName(params, rank));
}

std::string RankFileName(const IorParams& params, int rank) {
  return absl::StrFormat("%s.%08d", params.file_name, rank);
}

uint64_t BytesPerRank(const IorParams& params) { return params.segments * params.block_size; }

uint64_t TransfersPerRank(const IorParams& params) {
  if (params.transfer_size == 0) return 0;
  return params.segments * (params.block_size / params.transfer_size);
}

}  // namespace fta::ior
