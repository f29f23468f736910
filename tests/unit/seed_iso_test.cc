// The NoCloud seed: its cloud-config, and a real ISO read back with isoinfo
// (both from Debian's genisoimage package).
#include "lib/virt/seed_iso.h"

#include <stdio.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/fakes/temp_dir.h"

namespace fta::virt {
namespace {

using ::testing::HasSubstr;

std::string RunShell(const std::string& command) {
  std::string out;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  if (!pipe) return out;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe.get())) > 0) out.append(buffer, n);
  return out;
}

TEST(NoCloudSeedTest, UserDataWritesWhatTheAgentServiceReads) {
  NoCloudSeed seed =
      MakeNoCloudSeed("fta-3", "10.0.2.2:7070", {{"token", "s3cr\"t\n"}, {"cert.pem", "CERT\n"}, {"key.pem", "KEY\n"}});
  EXPECT_EQ(seed.meta_data, "instance-id: \"fta-3\"\nlocal-hostname: \"fta-3\"\n");
  EXPECT_EQ(seed.user_data.rfind("#cloud-config\n", 0), 0u);
  EXPECT_THAT(seed.user_data, HasSubstr("path: /etc/default/fta-agent"));
  EXPECT_THAT(seed.user_data, HasSubstr("content: \"FTA_HOSTD=10.0.2.2:7070\\nFTA_ID=fta-3\\n\""));
  EXPECT_THAT(seed.user_data, HasSubstr("path: /etc/fta-agent/token\n    permissions: \"0600\""));
  EXPECT_THAT(seed.user_data, HasSubstr("content: \"s3cr\\\"t\\n\""));  // YAML-escaped
  EXPECT_THAT(seed.user_data, HasSubstr("path: /etc/fta-agent/key.pem\n    permissions: \"0600\"\n    content: \"KEY\\n\""));
  EXPECT_THAT(seed.user_data, HasSubstr("[systemctl, enable, --now, fta-agent.service]"));
  EXPECT_THAT(MakeNoCloudSeed("fta-4", "h:1", {}).user_data, ::testing::Not(HasSubstr("token")));
  // The same facts as plain files for guests without cloud-init.
  EXPECT_EQ(seed.fta_files.at("id"), "fta-3\n");
  EXPECT_EQ(seed.fta_files.at("connect"), "10.0.2.2:7070\n");
  EXPECT_EQ(seed.fta_files.at("key.pem"), "KEY\n");
}

class SeedIsoTest : public ::testing::Test {
 protected:
  fta::testing::TempDir temp_{"fta-seed"};
  std::string dir_ = temp_.path();
};

TEST_F(SeedIsoTest, IsoIsLabelledCidataAndHoldsTheSeedAndTheSecretsOwnerOnly) {
  NoCloudSeed seed = MakeNoCloudSeed("fta-3", "10.0.2.2:7070", {{"token", "feedface\n"}, {"key.pem", "KEY\n"}});
  std::string iso = dir_ + "/fta-3.seed.iso";
  absl::Status written = WriteSeedIso(seed, iso);
  ASSERT_TRUE(written.ok()) << written;
  EXPECT_THAT(RunShell("isoinfo -d -i " + iso), HasSubstr("Volume id: cidata"));
  EXPECT_EQ(RunShell("isoinfo -R -i " + iso + " -x /user-data"), seed.user_data);
  EXPECT_EQ(RunShell("isoinfo -R -i " + iso + " -x /meta-data"), seed.meta_data);
  EXPECT_EQ(RunShell("isoinfo -R -i " + iso + " -x /fta/token"), "feedface\n");
  EXPECT_EQ(RunShell("isoinfo -R -i " + iso + " -x /fta/id"), "fta-3\n");
  // Rock Ridge keeps the secrets 0600 inside the guest; the ISO is 0600 here.
  std::string listing = RunShell("isoinfo -R -l -i " + iso);
  EXPECT_THAT(listing, HasSubstr("-rw-------   1    0    0               9"));  // fta/token
  EXPECT_THAT(listing, ::testing::Not(HasSubstr("-rw-r--r--")));
  EXPECT_EQ(std::filesystem::status(iso).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  // Nothing left beside it.
  int entries = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) entries += entry.exists();
  EXPECT_EQ(entries, 1);
}

TEST_F(SeedIsoTest, UnwritableDirectoryIsAClearError) {
  absl::Status status = WriteSeedIso(MakeNoCloudSeed("fta-3", "h:1", {}), dir_ + "/missing/dir/seed.iso");
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(status.message()), HasSubstr(dir_ + "/missing/dir"));
}

}  // namespace
}  // namespace fta::virt
