// Engine ior's command lines (lib/jobs/mpi_command.h): the mpirun and IOR
// argv built from a job's parameters, the hostfile, and the reading of the
// orted words OpenMPI hands its launcher (taken from a real mpirun 4.1).
#include "lib/jobs/mpi_command.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace fta::hostd {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

const MpiJobFiles kFiles{"/s/hostfile", "/s/summary.json", "/s/ranks.csv"};

TEST(MpiCommandTest, IorArgsCarryEveryOptionAndIorsOwnOutputs) {
  ior::IorParams params;
  params.transfer_size = 1 << 20;
  params.block_size = 1 << 30;
  params.iterations = 3;
  params.fsync = true;
  params.odirect = true;
  params.reorder_tasks = true;
  params.task_offset = 2;
  params.intra_test_barriers = true;
  params.directory = "/data";
  params.file_name = "f";
  absl::StatusOr<std::vector<std::string>> args = IorMpiArgs(params, kFiles);
  ASSERT_TRUE(args.ok()) << args.status();
  EXPECT_THAT(*args, ElementsAre("-a", "POSIX", "-F", "-w", "-r", "-t", "1048576", "-b", "1073741824", "-s", "1",
                                 "-i", "3", "-e", "-g", "--posix.odirect", "-C", "-Q", "2", "-o", "/data/f", "-O",
                                 "summaryFormat=JSON", "-O", "summaryFile=/s/summary.json", "-O",
                                 "saveRankPerformanceDetailsCSV=/s/ranks.csv"));
}

TEST(MpiCommandTest, IorSeedsItsOwnShuffle) {
  ior::IorParams params;
  params.random_offset = true;
  params.random_seed = 7;
  EXPECT_THAT(IorMpiArgs(params, kFiles).status().message(), HasSubstr("random_seed"));
}

TEST(MpiCommandTest, HostfileGivesEachFtaItsSlots) {
  EXPECT_EQ(Hostfile({{"fta-1", 2}, {"fta-2", 2}}), "fta-1 slots=2\nfta-2 slots=2\n");
}

TEST(MpiCommandTest, MpirunUsesTheRelayAndStaysAttached) {
  std::vector<std::string> argv = MpirunArgv({"/usr/bin/mpirun", "/bin/fta-mpi-relay", "lo", true}, kFiles, 4,
                                             "/usr/local/bin/ior", {"-w"});
  const std::string line = ::testing::PrintToString(argv);
  EXPECT_EQ(argv.front(), "/usr/bin/mpirun");
  EXPECT_THAT(line, HasSubstr("\"--mca\", \"plm_rsh_agent\", \"/bin/fta-mpi-relay\""));
  EXPECT_THAT(line, HasSubstr("\"--mca\", \"plm_rsh_no_tree_spawn\", \"1\""));
  EXPECT_THAT(line, HasSubstr("\"--leave-session-attached\""));
  EXPECT_THAT(line, HasSubstr("\"--bind-to\", \"none\"")) << "the ranks of process FTAs must not stack on core 0";
  EXPECT_THAT(line, HasSubstr("\"-np\", \"4\""));
  EXPECT_THAT(line, HasSubstr("\"--allow-run-as-root\", \"/usr/local/bin/ior\", \"-w\""));
}

TEST(MpiCommandTest, OrtedWordsBecomeItsArgvWithoutAShell) {
  absl::StatusOr<std::vector<std::string>> argv =
      OrtedArgv({" orted", "-mca", "ess", "\"env\"", "-mca", "orte_hnp_uri", "\"1182924800.0;tcp://127.0.0.1:58481\"",
                 "-mca", "pmix", "\"^s1,s2,cray,isolated\""});
  ASSERT_TRUE(argv.ok()) << argv.status();
  EXPECT_THAT(*argv, ElementsAre("orted", "-mca", "ess", "env", "-mca", "orte_hnp_uri",
                                 "1182924800.0;tcp://127.0.0.1:58481", "-mca", "pmix", "^s1,s2,cray,isolated"));
}

TEST(MpiCommandTest, WordsNeedingAShellAndOtherProgramsAreRefused) {
  EXPECT_THAT(OrtedArgv({"PATH=/opt/bin:$PATH", ";", "orted"}).status().message(), HasSubstr("needs a shell"));
  EXPECT_THAT(OrtedArgv({"orted", "\"$HOME\""}).status().message(), HasSubstr("needs shell expansion"));
  EXPECT_THAT(OrtedArgv({"/bin/sh", "-c", "id"}).status().message(), HasSubstr("only OpenMPI's orted"));
  EXPECT_EQ(OrtedArgv({}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(OrtedArgv({"/usr/bin/orted", "'x y'"}).ok());
}

}  // namespace
}  // namespace fta::hostd
