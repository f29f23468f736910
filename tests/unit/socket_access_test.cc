// Who may connect to the control socket: the group resolution (the packaged
// default may be missing, a configured group may not) and the file's group
// and mode on a real unix socket.
#include "lib/core/socket_access.h"

#include <gmock/gmock.h>
#include <grp.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <vector>

#include "tests/unit/fakes/temp_dir.h"

namespace fta {
namespace {

using ::fta::testing::TempDir;
using ::testing::HasSubstr;

constexpr char kKey[] = "daemon.control_socket_group";
constexpr char kMissing[] = "fta-no-such-group-7f3a";

// A listening unix socket file at `path` (closed again: the file stays).
void MakeSocketFile(const std::string& path) {
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, path.c_str(), sizeof(address.sun_path) - 1);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0) << std::strerror(errno);
  close(fd);
}

// A group this process may give its files that is not their group already:
// any other group for root, else a supplementary one. "" when none.
std::string OtherGroup() {
  std::vector<gid_t> candidates;
  if (geteuid() == 0) {
    setgrent();
    while (group* entry = getgrent()) candidates.push_back(entry->gr_gid);
    endgrent();
  } else {
    candidates.resize(getgroups(0, nullptr));
    getgroups(static_cast<int>(candidates.size()), candidates.data());
  }
  for (gid_t gid : candidates) {
    if (gid == getegid()) continue;
    if (group* entry = getgrgid(gid)) return entry->gr_name;
  }
  return "";
}

TEST(SocketAccessTest, EmptyGroupIsRootOnly) {
  absl::StatusOr<SocketGroup> group = ResolveSocketGroup("", "fta-admin", kKey);
  ASSERT_TRUE(group.ok()) << group.status();
  EXPECT_EQ(group->name, "");
  EXPECT_THAT(group->note, HasSubstr(kKey));
}

TEST(SocketAccessTest, MissingDefaultGroupIsRootOnlyWithANote) {
  absl::StatusOr<SocketGroup> group = ResolveSocketGroup(kMissing, kMissing, kKey);
  ASSERT_TRUE(group.ok()) << group.status();
  EXPECT_EQ(group->name, "");
  EXPECT_THAT(group->note, HasSubstr(kMissing));
}

TEST(SocketAccessTest, MissingConfiguredGroupIsRefusedNamingTheKey) {
  absl::StatusOr<SocketGroup> group = ResolveSocketGroup(kMissing, "fta-admin", kKey);
  EXPECT_EQ(group.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(group.status().message()), HasSubstr(kKey));
  EXPECT_THAT(std::string(group.status().message()), HasSubstr(kMissing));
}

TEST(SocketAccessTest, SocketGetsTheGroupAndMode0660) {
  const std::string name = OtherGroup();
  if (name.empty()) GTEST_SKIP() << "no second group this user may give a file";
  TempDir dir("socket-access");
  const std::string path = dir.path() + "/control.sock";
  MakeSocketFile(path);
  ASSERT_EQ(chmod(path.c_str(), 0755), 0);
  absl::StatusOr<SocketGroup> group = ResolveSocketGroup(name, "fta-admin", kKey);
  ASSERT_TRUE(group.ok()) << group.status();
  ASSERT_TRUE(RestrictSocket(path, *group).ok());
  struct stat info {};
  ASSERT_EQ(stat(path.c_str(), &info), 0);
  EXPECT_TRUE(S_ISSOCK(info.st_mode));
  EXPECT_EQ(info.st_mode & 07777, 0660u);
  EXPECT_EQ(info.st_gid, group->gid);
  EXPECT_NE(info.st_gid, getegid());
}

TEST(SocketAccessTest, RootOnlyKeepsTheGroupAndSetsMode0660) {
  TempDir dir("socket-access");
  const std::string path = dir.path() + "/control.sock";
  MakeSocketFile(path);
  ASSERT_TRUE(RestrictSocket(path, SocketGroup{}).ok());
  struct stat info {};
  ASSERT_EQ(stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 07777, 0660u);
  EXPECT_EQ(info.st_gid, getegid());
}

TEST(SocketAccessTest, MissingSocketIsAnErrorNamingThePath) {
  TempDir dir("socket-access");
  absl::Status status = RestrictSocket(dir.path() + "/gone.sock", SocketGroup{});
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(status.message()), HasSubstr("gone.sock"));
}

}  // namespace
}  // namespace fta
