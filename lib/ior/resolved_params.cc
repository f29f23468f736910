#include "lib/ior/resolved_params.h"

#include <cstdint>
#include <utility>

#include "absl/strings/str_cat.h"
#include "lib/core/status_macros.h"

namespace fta::ior {
namespace {

using Wire = fta::agent::v1::IorParameters;

// The fields both directions copy one to one, as tables so a field added to
// IorParams and the message is added in one place. A count's `minimum` is
// IOR's: a resolved part carries the defaults already, so a 0 where IOR
// needs 1 means a daemon that skipped the resolution.
struct CountField {
  const char* name;
  uint64_t IorParams::*param;
  int64_t (Wire::*get)() const;
  void (Wire::*set)(int64_t);
  int64_t minimum;
};
constexpr CountField kCounts[] = {
    {"transfer_size_bytes", &IorParams::transfer_size, &Wire::transfer_size_bytes, &Wire::set_transfer_size_bytes, 1},
    {"block_size_bytes", &IorParams::block_size, &Wire::block_size_bytes, &Wire::set_block_size_bytes, 1},
    {"segments", &IorParams::segments, &Wire::segments, &Wire::set_segments, 1},
    {"iterations", &IorParams::iterations, &Wire::iterations, &Wire::set_iterations, 1},
    {"task_offset", &IorParams::task_offset, &Wire::task_offset, &Wire::set_task_offset, 1},
    {"random_seed", &IorParams::random_seed, &Wire::random_seed, &Wire::set_random_seed, 0},
    {"stonewall_s", &IorParams::deadline_seconds, &Wire::stonewall_s, &Wire::set_stonewall_s, 0},
    {"inter_test_delay_s", &IorParams::inter_test_delay_seconds, &Wire::inter_test_delay_s,
     &Wire::set_inter_test_delay_s, 0},
    {"max_minutes", &IorParams::max_minutes, &Wire::max_minutes, &Wire::set_max_minutes, 0},
};

struct FlagField {
  bool IorParams::*param;
  bool (Wire::*get)() const;
  void (Wire::*set)(bool);
};
constexpr FlagField kFlags[] = {
    {&IorParams::write, &Wire::write, &Wire::set_write},
    {&IorParams::read, &Wire::read, &Wire::set_read},
    {&IorParams::fsync, &Wire::fsync, &Wire::set_fsync},
    {&IorParams::keep_files, &Wire::keep_files, &Wire::set_keep_files},
    {&IorParams::reorder_tasks, &Wire::reorder_tasks, &Wire::set_reorder_tasks},
    {&IorParams::use_existing, &Wire::use_existing, &Wire::set_use_existing},
    {&IorParams::fsync_per_write, &Wire::fsync_per_write, &Wire::set_fsync_per_write},
    {&IorParams::random_offset, &Wire::random_offset, &Wire::set_random_offset},
    {&IorParams::stonewall_wear_out, &Wire::stonewall_wear_out, &Wire::set_stonewall_wear_out},
    {&IorParams::intra_test_barriers, &Wire::intra_test_barriers, &Wire::set_intra_test_barriers},
    {&IorParams::unique_dir, &Wire::unique_dir, &Wire::set_unique_dir},
    {&IorParams::odirect, &Wire::odirect, &Wire::set_odirect},
    {&IorParams::verify_read, &Wire::verify_read, &Wire::set_verify_read},
};

}  // namespace

Wire EncodeParams(const IorParams& params, fta::v1::Engine engine) {
  Wire wire;
  wire.set_engine(engine);
  for (const CountField& field : kCounts) (wire.*field.set)(static_cast<int64_t>(params.*field.param));
  for (const FlagField& field : kFlags) (wire.*field.set)(params.*field.param);
  wire.set_directory(params.directory);
  wire.set_file_name(params.file_name);
  return wire;
}

absl::StatusOr<ResolvedParams> DecodeParams(const Wire& wire) {
  if (wire.engine() != fta::v1::ENGINE_BUILTIN && wire.engine() != fta::v1::ENGINE_IOR) {
    return absl::InvalidArgumentError(absl::StrCat("params.engine: ", fta::v1::Engine_Name(wire.engine()),
                                                   " is not one an agent runs (ENGINE_BUILTIN, ENGINE_IOR)"));
  }
  ResolvedParams resolved;
  resolved.engine = wire.engine();
  IorParams& p = resolved.params;
  for (const CountField& field : kCounts) {
    int64_t value = (wire.*field.get)();
    if (value < field.minimum) {
      return absl::InvalidArgumentError(absl::StrCat("params.", field.name, ": ", value,
                                                     ", a resolved part has at least ", field.minimum,
                                                     " (is fta-hostd of the same version?)"));
    }
    p.*field.param = static_cast<uint64_t>(value);
  }
  for (const FlagField& field : kFlags) p.*field.param = (wire.*field.get)();
  if (!p.write && !p.read) {
    return absl::InvalidArgumentError("params.write, params.read: both false, a resolved part has at least one");
  }
  if (wire.file_name().empty()) {
    return absl::InvalidArgumentError("params.file_name: empty, a resolved part names the test file");
  }
  p.directory = wire.directory();
  p.file_name = wire.file_name();
  FTA_RETURN_IF_ERROR(Validate(p));
  return resolved;
}

}  // namespace fta::ior
