// BackendRouter: Start by the named backend, later calls to the backend
// that owns the FTA, adoption asking each backend in turn, and orphans
// stopped by whoever listed them.
#include "lib/virt/backend_router.h"

#include <set>

#include <gtest/gtest.h>

namespace fta::virt {
namespace {

class FakeBackend final : public Provisioner {
 public:
  explicit FakeBackend(std::string name) : name_(std::move(name)) {}
  std::string Backend() const override { return name_; }
  absl::StatusOr<FtaInstance> Start(const FtaLaunchSpec& spec) override {
    running.insert(spec.fta_id);
    return FtaInstance{spec.fta_id, 42, ""};
  }
  absl::Status Stop(const std::string& fta_id, absl::Duration) override {
    stops.push_back(fta_id);
    running.erase(fta_id);
    return absl::OkStatus();
  }
  absl::Status Adopt(const std::string& fta_id, int64_t) override {
    return running.count(fta_id) ? absl::OkStatus() : absl::NotFoundError(fta_id + " not here");
  }
  bool IsRunning(const std::string& fta_id) override { return running.count(fta_id) > 0; }
  absl::StatusOr<std::vector<std::string>> ListOwned() override {
    return std::vector<std::string>(running.begin(), running.end());
  }
  std::set<std::string> running;
  std::vector<std::string> stops;
  void Exit(const FtaExit& exit) { ReportExit(exit); }

 private:
  std::string name_;
};

FtaLaunchSpec Spec(const std::string& id, const std::string& backend) {
  FtaLaunchSpec spec;
  spec.fta_id = id;
  spec.backend = backend;
  return spec;
}

TEST(BackendRouterTest, StartsOnTheNamedBackendAndStopsThere) {
  FakeBackend vm("libvirt"), lxc("lxc");
  BackendRouter router({&vm, &lxc});
  EXPECT_EQ(router.Backend(), "libvirt");
  ASSERT_TRUE(router.Start(Spec("fta-1", "")).ok());
  ASSERT_TRUE(router.Start(Spec("fta-2", "lxc")).ok());
  EXPECT_EQ(vm.running, std::set<std::string>{"fta-1"});
  EXPECT_EQ(lxc.running, std::set<std::string>{"fta-2"});
  EXPECT_TRUE(router.IsRunning("fta-2"));
  ASSERT_TRUE(router.Stop("fta-2", absl::ZeroDuration()).ok());
  EXPECT_EQ(lxc.stops, std::vector<std::string>{"fta-2"});
  EXPECT_TRUE(vm.stops.empty());
  absl::StatusOr<FtaInstance> unknown = router.Start(Spec("fta-3", "qemu"));
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(unknown.status().message().find("libvirt, lxc"), std::string::npos) << unknown.status();
}

TEST(BackendRouterTest, AdoptionAsksEachBackendAndUnknownIdsAreStoppedEverywhere) {
  FakeBackend vm("libvirt"), lxc("lxc");
  lxc.running.insert("fta-7");  // left by a previous run
  BackendRouter router({&vm, &lxc});
  ASSERT_TRUE(router.Adopt("fta-7", 1).ok());
  absl::Status gone = router.Adopt("fta-8", 1);
  EXPECT_EQ(gone.code(), absl::StatusCode::kNotFound);
  EXPECT_NE(gone.message().find("lxc: fta-8 not here"), std::string::npos) << gone;
  ASSERT_TRUE(router.Stop("fta-8", absl::ZeroDuration()).ok());
  EXPECT_EQ(vm.stops, std::vector<std::string>{"fta-8"});
  EXPECT_EQ(lxc.stops, std::vector<std::string>{"fta-8"});
  ASSERT_TRUE(router.Stop("fta-7", absl::ZeroDuration()).ok());
  EXPECT_EQ(vm.stops.size(), 1u);  // only the owner was asked
}

TEST(BackendRouterTest, ListsEveryBackendsFtasAndRoutesOrphansToTheLister) {
  FakeBackend vm("libvirt"), lxc("lxc");
  vm.running.insert("fta-1");
  lxc.running.insert("orphan-9");
  BackendRouter router({&vm, &lxc});
  absl::StatusOr<std::vector<std::string>> owned = router.ListOwned();
  ASSERT_TRUE(owned.ok());
  EXPECT_EQ(*owned, (std::vector<std::string>{"fta-1", "orphan-9"}));
  ASSERT_TRUE(router.Stop("orphan-9", absl::ZeroDuration()).ok());
  EXPECT_TRUE(vm.stops.empty());
  EXPECT_EQ(lxc.stops, std::vector<std::string>{"orphan-9"});
  int exits = 0;
  router.SetExitHandler([&](const FtaExit&) { ++exits; });
  vm.Exit(FtaExit{"fta-1", "x"});
  lxc.Exit(FtaExit{"fta-2", "y"});
  EXPECT_EQ(exits, 2);
}

}  // namespace
}  // namespace fta::virt
