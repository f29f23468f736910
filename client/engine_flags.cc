#include "client/engine_flags.h"

#include <cstdint>
#include <memory>

namespace fta::cli {
namespace {

// CLI11 binds plain variables; proto fields are set from them once parsing is
// done (final callback of the subcommand).
struct EngineFlagValues {
  bool fsync_per_write = false, random_offset = false, wear_out = false, barriers = false, unique_dir = false,
       odirect = false;
  int64_t random_seed = 0, stonewall_s = 0, delay_s = 0, max_minutes = 0;
};

}  // namespace

std::function<void(fta::v1::IorSpec*)> AddEngineOptionFlags(CLI::App* run) {
  auto v = std::make_shared<EngineFlagValues>();
  run->add_flag("-Y,--fsync-per-write", v->fsync_per_write, "fsync after every write (timed)");
  run->add_flag("-z,--random-offset", v->random_offset,
                "Shuffled transfer order inside each block (same for every segment)");
  run->add_option("--random-seed", v->random_seed, "Seed of the -z shuffle (0: the job's signature)");
  run->add_option("-D,--deadline-stonewall", v->stonewall_s,
                  "Stonewalling: stop each phase's transfer loop after N seconds (0: off)");
  run->add_flag("--stonewall-wear-out", v->wear_out,
                "With -D: every rank continues to the largest transfer count of all ranks");
  run->add_option("--delay", v->delay_s, "Seconds to wait before each write/read phase (IOR's -d)");
  run->add_option("-T,--max-minutes", v->max_minutes,
                  "Skip write/read phases that would start after N minutes (0: off)");
  run->add_flag("-g,--intra-test-barriers", v->barriers,
                "Barriers across all FTAs after open and after the transfer loop");
  run->add_flag("-u,--unique-dir", v->unique_dir, "Each rank's file in DIRECTORY/<rank>/");
  run->add_flag("--odirect", v->odirect, "O_DIRECT (transfer size a multiple of 4096)");
  return [v](fta::v1::IorSpec* spec) {
    spec->set_fsync_per_write(v->fsync_per_write);
    spec->set_random_offset(v->random_offset);
    spec->set_random_seed(v->random_seed);
    spec->set_stonewall_s(v->stonewall_s);
    spec->set_stonewall_wear_out(v->wear_out);
    spec->set_inter_test_delay_s(v->delay_s);
    spec->set_max_minutes(v->max_minutes);
    spec->set_intra_test_barriers(v->barriers);
    spec->set_unique_dir(v->unique_dir);
    spec->set_odirect(v->odirect);
  };
}

}  // namespace fta::cli
