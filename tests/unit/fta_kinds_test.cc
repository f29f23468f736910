// Which backend starts a requested FTA kind on a host offering one or
// several backends (containers beside processes or guests).
#include "lib/fleet/fta_kinds.h"

#include <gtest/gtest.h>

namespace fta::hostd {
namespace {

TEST(FtaKindsTest, ContainersAreTheLxcBackendsKind) {
  EXPECT_EQ(KindOf("lxc"), fta::v1::FTA_KIND_CONTAINER);
  EXPECT_EQ(BackendOf("lxc"), fta::v1::BACKEND_LXC);
  EXPECT_EQ(BackendWord(fta::v1::BACKEND_LXC), "lxc");
  EXPECT_EQ(BackendWord(fta::v1::BACKEND_UNSPECIFIED), "");
  EXPECT_TRUE(IsAllocatedKind(fta::v1::FTA_KIND_CONTAINER));
}

TEST(FtaKindsTest, EachKindGoesToTheBackendThatStartsIt) {
  const std::vector<std::string> mixed = {"process", "lxc"};
  EXPECT_EQ(*AllocationBackend(mixed, fta::v1::FTA_KIND_UNSPECIFIED), "process");
  EXPECT_EQ(*AllocationBackend(mixed, fta::v1::FTA_KIND_PROCESS), "process");
  EXPECT_EQ(*AllocationBackend(mixed, fta::v1::FTA_KIND_CONTAINER), "lxc");
  EXPECT_EQ(*AllocationBackend({"libvirt", "lxc"}, fta::v1::FTA_KIND_VM), "libvirt");
}

TEST(FtaKindsTest, AKindNoBackendStartsIsRefusedNamingKind) {
  absl::StatusOr<std::string> vm = AllocationBackend({"process", "lxc"}, fta::v1::FTA_KIND_VM);
  EXPECT_EQ(vm.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(vm.status().message().rfind("kind: ", 0), 0u) << vm.status();
  EXPECT_NE(vm.status().message().find("FTA_KIND_CONTAINER"), std::string::npos) << vm.status();

  absl::StatusOr<std::string> container = AllocationBackend({"libvirt"}, fta::v1::FTA_KIND_CONTAINER);
  EXPECT_EQ(container.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(container.status().message().find("no container backend"), std::string::npos) << container.status();

  EXPECT_EQ(AllocationBackend({"process", "lxc"}, fta::v1::FTA_KIND_NATIVE).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace fta::hostd
