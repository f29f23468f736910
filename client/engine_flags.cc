#include "client/engine_flags.h"

#include "client/verbs.h"

namespace fta::client {

void AddEngineOptionFlags(CLI::App* run, fta::v1::IorSpec* spec) {
  AddFieldOption(run, "-Y,--fsync-per-write", spec, "fsync_per_write", "fsync after every write (timed)");
  AddFieldOption(run, "-z,--random-offset", spec, "random_offset",
                 "Shuffled transfer order inside each block (same for every segment)");
  AddFieldOption(run, "--random-seed", spec, "random_seed", "Seed of the -z shuffle (0: the job's signature)");
  AddFieldOption(run, "-D,--deadline-stonewall", spec, "stonewall_s",
                 "Stonewalling: stop each phase's transfer loop after N seconds (0: off)");
  AddFieldOption(run, "--stonewall-wear-out", spec, "stonewall_wear_out",
                 "With -D: every rank continues to the largest transfer count of all ranks");
  AddFieldOption(run, "--delay", spec, "inter_test_delay_s", "Seconds to wait before each write/read phase (IOR's -d)");
  AddFieldOption(run, "-T,--max-minutes", spec, "max_minutes",
                 "Skip write/read phases that would start after N minutes (0: off)");
  AddFieldOption(run, "-g,--intra-test-barriers", spec, "intra_test_barriers",
                 "Barriers across all FTAs after open and after the transfer loop");
  AddFieldOption(run, "-u,--unique-dir", spec, "unique_dir", "Each rank's file in DIRECTORY/<rank>/");
  AddFieldOption(run, "--odirect", spec, "odirect", "O_DIRECT (transfer size a multiple of 4096)");
}

}  // namespace fta::client
