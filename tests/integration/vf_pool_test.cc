// The VF pool end to end: fta-hostd on a fake sysfs tree (the kernel's
// layout, real symlinks) gives every FTA its own VF, `ftactl -o json vf list`
// shows every VF with its fields, release gives VFs back, and a daemon
// killed with SIGKILL after and during an allocation comes back with no VF
// held twice and none leaked.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "fta/v1/vf.grpc.pb.h"
#include "tests/integration/hostd_harness.h"
#include "tests/unit/fake_sysfs.h"

namespace fta::testing {
namespace {

// Rows of one query on the daemon's database, read on our own connection.
std::vector<std::vector<std::string>> Query(const std::string& db_path, const std::string& sql) {
  std::vector<std::vector<std::string>> rows;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return rows;
  }
  sqlite3_busy_timeout(db, 5000);
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK) {
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      std::vector<std::string> row;
      for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
        const unsigned char* text = sqlite3_column_text(stmt, i);
        row.push_back(text ? reinterpret_cast<const char*>(text) : "");
      }
      rows.push_back(row);
    }
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return rows;
}

class VfPoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sys_ = root_.path() + "/sys";
    tree_ = std::make_unique<FakeSysfs>(sys_);
    // mlx5_0 with 8 VFs: 03:00.2 bound to another driver, 03:00.3 sharing its
    // IOMMU group with an NVMe drive, so 6 can be handed out. A ConnectX-3
    // with 4 VFs is listed but not managed (sriov.pfs names only mlx5_0).
    BuildSingleMlx5(*tree_);
    BuildMlx4(*tree_);
    tree_->Bind("0000:03:00.2", "pci-stub");
    tree_->AddPlainDevice("0000:01:00.0", "nvme", tree_->IommuGroupOf("0000:03:00.3"));
    config_ = root_.path() + "/config.toml";
    std::ofstream(config_) << "[sriov]\npfs = [\"mlx5_0\"]\nguid_prefix = \"02:c9:fa:00\"\n";
    hostd_ = std::make_unique<HostdProcess>(
        root_.path(),
        std::vector<std::string>{"--config", config_, "--sysfs-root", sys_, "--max-ftas", "16"});
    ASSERT_TRUE(hostd_->Start());
  }

  void TearDown() override {
    if (hostd_) {
      hostd_->ReleaseAll();
      hostd_->Stop();
    }
    std::vector<int64_t> pids;
    for (const auto& row : Query(db(), "SELECT pid FROM ftas")) pids.push_back(std::stoll(row[0]));
    KillAgents(pids);
  }

  std::string db() const { return root_.path() + "/state/fta-hostd.db"; }


  // VF address -> owner FTA ("" when free), from `ftactl vf list`.
  std::map<std::string, std::string> Owners() {
    std::map<std::string, std::string> owners;
    nlohmann::json listed = hostd_->FtactlJson({"vf", "list"});  // outlives the loop
    for (const auto& vf : listed["vfs"]) {
      owners[vf["pci_address"].get<std::string>()] = vf["owner_fta"].get<std::string>();
    }
    return owners;
  }

  std::vector<fta::v1::Fta> Allocate(int count) {
    fta::v1::AllocateFtasResponse response;
    grpc::Status status = hostd_->Allocate(count, &response);
    EXPECT_TRUE(status.ok()) << status.error_message() << hostd_->log();
    return {response.ftas().begin(), response.ftas().end()};
  }

  std::vector<fta::v1::Fta> ActiveFtas() {
    fta::v1::ListFtasResponse listed;
    auto context = ContextWithDeadline(30);
    EXPECT_TRUE(hostd_->ftas().ListFtas(context.get(), fta::v1::ListFtasRequest(), &listed).ok());
    return {listed.ftas().begin(), listed.ftas().end()};
  }

  // The invariants that must hold whatever happened: a VF has at most one
  // holder, every holder is an active guest FTA whose record names that VF,
  // every active guest FTA holds one VF, and the store agrees with the pool.
  void ExpectPoolConsistent() {
    std::map<std::string, std::string> owners = Owners();
    std::map<std::string, std::string> vf_of;
    for (const auto& [vf, owner] : owners) {
      if (owner.empty()) continue;
      EXPECT_TRUE(vf_of.emplace(owner, vf).second) << owner << " holds two VFs";
    }
    std::set<std::string> active;
    for (const fta::v1::Fta& fta : ActiveFtas()) {
      if (fta.kind() != fta::v1::FTA_KIND_PROCESS) continue;
      active.insert(fta.id());
      ASSERT_FALSE(fta.vf().empty()) << fta.id() << " has no VF";
      if (!fta.degraded().empty()) continue;  // its VF vanished; it keeps the claim
      EXPECT_EQ(vf_of[fta.id()], fta.vf()) << fta.id();
    }
    for (const auto& [owner, vf] : vf_of) EXPECT_EQ(active.count(owner), 1u) << vf << " leaked to " << owner;
    std::set<std::string> vfs_in_store;
    for (const auto& row : Query(db(), "SELECT vf, fta_id FROM vf_assignments")) {
      EXPECT_TRUE(vfs_in_store.insert(row[0]).second);
      EXPECT_EQ(active.count(row[1]), 1u) << row[0] << " assigned in the store to inactive " << row[1];
    }
    EXPECT_EQ(vfs_in_store.size(), active.size());
  }

  TempDir root_;
  std::string sys_, config_;
  std::unique_ptr<FakeSysfs> tree_;
  std::unique_ptr<HostdProcess> hostd_;
};

TEST_F(VfPoolTest, VfListShowsEveryVfWithItsFields) {
  nlohmann::json listed = hostd_->FtactlJson({"vf", "list"});
  ASSERT_TRUE(listed.is_object()) << listed;
  ASSERT_EQ(listed["vfs"].size(), 12u) << listed.dump(2);
  EXPECT_EQ(listed["sysfs_root"], sys_);
  std::map<std::string, nlohmann::json> by_address;
  for (const auto& vf : listed["vfs"]) by_address[vf["pci_address"].get<std::string>()] = vf;

  const nlohmann::json& first = by_address["0000:03:00.1"];
  EXPECT_EQ(first["pf_pci_address"], "0000:03:00.0");
  EXPECT_EQ(first["pf_ib_device"], "mlx5_0");
  EXPECT_EQ(first["index"], 0);
  EXPECT_EQ(first["family"], "mlx5");
  EXPECT_EQ(first["numa_node"], 0);
  EXPECT_EQ(first["driver"], "mlx5_core");
  EXPECT_EQ(first["vendor_id"], "0x15b3");
  EXPECT_EQ(first["device_id"], "0x1018");
  EXPECT_EQ(first["ib_device"], "mlx5_1");
  // GUIDs derived from sriov.guid_prefix and written by hostd at start; the
  // VF's port stays DOWN until the SM accepts them.
  EXPECT_EQ(first["node_guid"], "02:c9:fa:00:03:00:00:00");
  EXPECT_EQ(first["port_guid"], "02:c9:fa:00:03:00:00:01");
  EXPECT_EQ(first["guid_state"], "pending");
  EXPECT_EQ(first["port_state"], "DOWN");
  EXPECT_EQ(first["link_rate"], "100 Gb/sec (4X EDR)");
  EXPECT_EQ(first["managed"], true);
  EXPECT_EQ(first["owner_fta"], "");
  EXPECT_EQ(tree_->ReadFile("bus/pci/devices/0000:03:00.0/sriov/7/node"), "02:c9:fa:00:03:00:00:0e");

  EXPECT_NE(by_address["0000:03:00.3"]["unusable"].get<std::string>().find("0000:01:00.0"),
            std::string::npos);
  EXPECT_NE(by_address["0000:03:00.2"]["unusable"].get<std::string>().find("pci-stub"), std::string::npos);
  const nlohmann::json& mlx4 = by_address["0000:05:00.1"];
  EXPECT_EQ(mlx4["family"], "mlx4");
  EXPECT_EQ(mlx4["managed"], false);
  EXPECT_EQ(mlx4["pf_ib_device"], "mlx4_0");

  nlohmann::json host = hostd_->FtactlJson({"host", "show"});
  EXPECT_EQ(host["vfs_managed"], 8);
  EXPECT_EQ(host["vfs_free"], 6);
  EXPECT_EQ(host["vfs_used"], 0);
  ASSERT_EQ(host["pfs"].size(), 2u);
  EXPECT_EQ(host["pfs"][0]["ports"][0]["rate"], "100 Gb/sec (4X EDR)");
  EXPECT_EQ(host["pfs"][1]["ports"][0]["rate"], "56 Gb/sec (4X FDR)");
  EXPECT_EQ(host["pfs"][1]["managed"], false);

  CommandResult table = hostd_->Ftactl({"vf", "list"});
  EXPECT_EQ(table.exit_code, 0);
  EXPECT_NE(table.out.find("0000:03:00.1"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("8 VF(s) managed on 1 PF(s)"), std::string::npos) << table.out;
  CommandResult shown = hostd_->Ftactl({"host", "show"});
  EXPECT_NE(shown.out.find("Physical functions:"), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find("0 used, 6 free of 8 managed"), std::string::npos) << shown.out;
}

TEST_F(VfPoolTest, AllocateGivesEachFtaItsOwnVfAndReleaseReturnsIt) {
  std::vector<fta::v1::Fta> ftas = Allocate(3);
  ASSERT_EQ(ftas.size(), 3u);
  std::set<std::string> vfs;
  for (const fta::v1::Fta& fta : ftas) {
    EXPECT_TRUE(vfs.insert(fta.vf()).second) << fta.vf() << " given twice";
    EXPECT_NE(fta.vf(), "0000:03:00.2");
    EXPECT_NE(fta.vf(), "0000:03:00.3");
  }
  std::map<std::string, std::string> owners = Owners();
  for (const fta::v1::Fta& fta : ftas) EXPECT_EQ(owners[fta.vf()], fta.id());
  ExpectPoolConsistent();

  // 3 more fit, 4 do not: refused whole, nothing started.
  fta::v1::AllocateFtasResponse response;
  grpc::Status refused = hostd_->Allocate(4, &response, fta::v1::FTA_KIND_UNSPECIFIED, 60);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_NE(refused.error_message().find("3 VF(s) are free"), std::string::npos) << refused.error_message();
  EXPECT_EQ(ActiveFtas().size(), 3u);

  fta::v1::ReleaseFtasRequest release;
  release.add_ids(ftas[1].id());
  fta::v1::ReleaseFtasResponse released;
  auto release_context = ContextWithDeadline(60);
  ASSERT_TRUE(hostd_->ftas().ReleaseFtas(release_context.get(), release, &released).ok());
  EXPECT_EQ(Owners()[ftas[1].vf()], "");
  nlohmann::json host = hostd_->FtactlJson({"host", "show"});
  EXPECT_EQ(host["vfs_used"], 2);
  EXPECT_EQ(host["vfs_free"], 4);
  ExpectPoolConsistent();
}

// The tree has a ConnectX-3 (mlx4_0, 56 Gb/s) listed before the managed
// ConnectX-4 (mlx5_0, 100 Gb/s): a sweep's runs must record the card their
// VFs are on, not the host's first IB port.
TEST_F(VfPoolTest, SweepRunsRecordThePfAndLinkOfTheirVfs) {
  std::string data = root_.path() + "/data";
  std::filesystem::create_directories(data);
  nlohmann::json sweep = hostd_->FtactlJson({"sweep", "--vms", "1..2", "-t", "64k", "-b", "1m", "-d", data});
  ASSERT_EQ(sweep["state"], "completed") << sweep.dump(2);
  ASSERT_EQ(sweep["runs"].size(), 2u);
  for (const auto& run : sweep["runs"]) {
    const auto& snapshot = run["snapshot"];
    EXPECT_EQ(snapshot["pf"], "0000:03:00.0 (mlx5_0)") << snapshot.dump();
    EXPECT_EQ(snapshot["ib_link_rate"], "mlx5_0/1: 100 Gb/sec (4X EDR)") << snapshot.dump();
    ASSERT_EQ(snapshot["vfs"].size(), run["fta_count"].get<size_t>()) << snapshot.dump();
    for (const auto& vf : snapshot["vfs"]) EXPECT_EQ(vf.get<std::string>().rfind("0000:03:", 0), 0u) << vf;
  }
  // Metered: the counters did not move (local files), so 0 %, not "unknown".
  ASSERT_EQ(sweep["points"].size(), 4u);
  for (const auto& point : sweep["points"]) EXPECT_EQ(point["link_utilisation_pct"], 0) << point.dump();
  ExpectPoolConsistent();
}

// Process FTAs write to a local directory, so nothing crosses mlx5_0: each
// phase records the port, its rate, counters that did not move, and a
// check saying the agents' bytes did not cross it.
TEST_F(VfPoolTest, JobPhasesRecordTheLinkBehindTheirVfsAndCrossCheckTheBytes) {
  std::vector<fta::v1::Fta> ftas = Allocate(2);
  ASSERT_EQ(ftas.size(), 2u);
  std::string data = root_.path() + "/data";
  std::filesystem::create_directories(data);
  nlohmann::json job = hostd_->FtactlJson({"ior", "run", "--on", "all", "-t", "64k", "-b", "1m", "-d", data, "-w", "-r"});
  ASSERT_EQ(job["state"], "completed") << job.dump(2);
  ASSERT_EQ(job["aggregates"].size(), 2u) << job.dump(2);
  for (const auto& aggregate : job["aggregates"]) {
    ASSERT_EQ(aggregate["links"].size(), 1u) << aggregate.dump(2);
    const auto& link = aggregate["links"][0];
    EXPECT_EQ(link["ib_port"], "mlx5_0/1");
    EXPECT_EQ(link["pf"], "0000:03:00.0");
    EXPECT_EQ(link["rate_gbps"], 100);
    EXPECT_EQ(link["ftas"], 2);
    EXPECT_EQ(std::stoll(link["agent_bytes"].get<std::string>()), 2 << 20) << link.dump();
    EXPECT_EQ(std::stoll(link["xmit_bytes"].get<std::string>()), 0) << link.dump();
    EXPECT_EQ(std::stoll(link["rcv_bytes"].get<std::string>()), 0) << link.dump();
    EXPECT_NE(link["check"].get<std::string>().find("did not all cross this port"), std::string::npos)
        << link.dump();
  }
  // ftactl job show prints them.
  CommandResult shown =
      hostd_->Ftactl({"job", "show", job["id"].get<std::string>()});
  EXPECT_NE(shown.out.find("IB LINKS"), std::string::npos) << shown.out;
  // Stored: the same rows after the fact.
  EXPECT_EQ(Query(db(), "SELECT ib_port FROM phase_links WHERE job_id = '" + job["id"].get<std::string>() + "'")
                .size(),
            2u);
}

TEST_F(VfPoolTest, KilledDaemonComesBackWithNoVfTwiceAndNoneLeaked) {
  std::vector<fta::v1::Fta> ftas = Allocate(3);
  ASSERT_EQ(ftas.size(), 3u);

  // Crash after the allocation, and meanwhile fta-2's VF vanishes (PF reset).
  hostd_->Kill();
  tree_->RemoveFunction(ftas[1].vf());
  ASSERT_TRUE(hostd_->Start());
  std::map<std::string, std::string> owners = Owners();
  EXPECT_EQ(owners[ftas[0].vf()], ftas[0].id());
  EXPECT_EQ(owners[ftas[2].vf()], ftas[2].id());
  EXPECT_EQ(owners.count(ftas[1].vf()), 0u);
  fta::v1::GetFtaRequest get;
  get.set_id(ftas[1].id());
  fta::v1::Fta degraded;
  auto get_context = ContextWithDeadline(30);
  ASSERT_TRUE(hostd_->ftas().GetFta(get_context.get(), get, &degraded).ok());
  EXPECT_NE(degraded.degraded().find(ftas[1].vf()), std::string::npos) << degraded.degraded();
  EXPECT_NE(hostd_->log().find(ftas[1].id() + ": marked degraded"), std::string::npos) << hostd_->log();
  ExpectPoolConsistent();

  // A VF vanishing while hostd runs: the next look (vf list) marks its FTA.
  tree_->RemoveFunction(ftas[2].vf());
  EXPECT_EQ(Owners().count(ftas[2].vf()), 0u);
  get.set_id(ftas[2].id());
  auto get_again = ContextWithDeadline(30);
  ASSERT_TRUE(hostd_->ftas().GetFta(get_again.get(), get, &degraded).ok());
  EXPECT_NE(degraded.degraded().find(ftas[2].vf()), std::string::npos) << degraded.degraded();
  EXPECT_NE(hostd_->log().find("vf check: " + ftas[2].id() + ": marked degraded"), std::string::npos);
  ExpectPoolConsistent();

  // Crash during an allocation: as soon as the store holds a VF for one of
  // its FTAs, SIGKILL.
  const size_t held_before = Query(db(), "SELECT vf FROM vf_assignments").size();
  std::thread allocation([this] {
    fta::v1::AllocateFtasResponse response;
    (void)hostd_->Allocate(2, &response, fta::v1::FTA_KIND_UNSPECIFIED, 60);
  });
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (Query(db(), "SELECT vf FROM vf_assignments").size() == held_before &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // polling the store, not timing
  }
  ASSERT_GT(Query(db(), "SELECT vf FROM vf_assignments").size(), held_before);
  hostd_->Kill();
  allocation.join();
  ASSERT_TRUE(hostd_->Start());
  ExpectPoolConsistent();

  // Everything released: every managed VF is free again.
  fta::v1::ReleaseFtasRequest release;
  release.set_all(true);
  fta::v1::ReleaseFtasResponse released;
  auto release_context = ContextWithDeadline(60);
  ASSERT_TRUE(hostd_->ftas().ReleaseFtas(release_context.get(), release, &released).ok());
  for (const auto& [vf, owner] : Owners()) EXPECT_EQ(owner, "") << vf;
  EXPECT_TRUE(Query(db(), "SELECT vf FROM vf_assignments").empty());
  nlohmann::json host = hostd_->FtactlJson({"host", "show"});
  EXPECT_EQ(host["vfs_used"], 0);
  EXPECT_EQ(host["vfs_free"], 4);  // 8 managed - 2 unusable - 2 vanished
}

TEST_F(VfPoolTest, WithoutSriovTheProcessBackendStillWorksAndSaysSo) {
  hostd_->Stop();
  TempDir other;
  std::filesystem::create_directories(other.path() + "/sys/bus/pci/devices");
  HostdProcess plain(other.path(), {"--sysfs-root", other.path() + "/sys"});
  ASSERT_TRUE(plain.Start());
  fta::v1::HostInfo info;
  auto context = ContextWithDeadline(30);
  ASSERT_TRUE(plain.host().GetHost(context.get(), fta::v1::GetHostRequest(), &info).ok());
  EXPECT_NE(info.sriov_status().find("no SR-IOV device"), std::string::npos) << info.sriov_status();
  EXPECT_NE(info.sriov_status().find("FTAs run without a VF"), std::string::npos);
  // libibverbs describes this machine, not the fake tree.
  EXPECT_NE(info.verbs_status().find("not consulted: the sysfs root"), std::string::npos) << info.verbs_status();
  fta::v1::AllocateFtasResponse response;
  ASSERT_TRUE(plain.Allocate(1, &response).ok()) << plain.log();
  EXPECT_EQ(response.ftas(0).vf(), "");
  fta::v1::ReleaseFtasRequest release;
  release.set_all(true);
  fta::v1::ReleaseFtasResponse released;
  auto release_context = ContextWithDeadline(60);
  EXPECT_TRUE(plain.ftas().ReleaseFtas(release_context.get(), release, &released).ok());
  hostd_.reset();
}

TEST_F(VfPoolTest, OnThisMachinesSysLibibverbsIsConsulted) {
  hostd_->Stop();
  TempDir other;
  HostdProcess real(other.path(), {});  // --sysfs-root defaults to /sys
  ASSERT_TRUE(real.Start());
  fta::v1::HostInfo info;
  auto context = ContextWithDeadline(30);
  ASSERT_TRUE(real.host().GetHost(context.get(), fta::v1::GetHostRequest(), &info).ok());
  // "no RDMA devices" on these machines, a device count where there are some.
  EXPECT_EQ(info.verbs_status().rfind("libibverbs: ", 0), 0u) << info.verbs_status();
  EXPECT_EQ(info.verbs_status().find("not consulted"), std::string::npos) << info.verbs_status();
  CommandResult shown = RunCommand({FtactlBinary(), "--host", real.control_target(), "host", "show"});
  EXPECT_NE(shown.out.find("RDMA:"), std::string::npos) << shown.out;
  real.Stop();
  hostd_.reset();
}

TEST_F(VfPoolTest, BadPfConfigurationStopsTheStartNamingDeviceAndFile) {
  hostd_->Stop();
  hostd_.reset();
  struct Case {
    std::string toml;
    std::string expected;
  };
  std::vector<Case> cases = {
      {"[sriov]\npfs = [\"mlx5_9\"]\n", sys_ + "/class/infiniband/mlx5_9"},
      {"[sriov]\npfs = [\"mlx5_0\"]\nnum_vfs = 16\n",
       sys_ + "/bus/pci/devices/0000:03:00.0/sriov_totalvfs is 8"},
      {"[sriov]\nnum_vfs = 4\n", "sriov.num_vfs"},
      {"[sriov]\npfs = [\"mlx4_0\"]\npkeys = [\"0x8001\", \"oops\"]\n", "sriov.pkeys[1]: \"oops\""},
      // The ConnectX-3's port is in no partition but the default one.
      {"[sriov]\npfs = [\"mlx4_0\"]\npkeys = [\"0x8001\"]\n",
       "0x8001 is not in mlx4_0 port 1's P_Key table (" + sys_ + "/class/infiniband/mlx4_0/iov/ports/1/pkeys/0..126)"},
  };
  for (const Case& c : cases) {
    std::ofstream(config_) << c.toml;
    CommandResult result =
        RunCommand({HostdBinary(), "--config", config_, "--sysfs-root", sys_, "--state-dir",
                    root_.path() + "/bad-state", "--control-socket", root_.path() + "/bad.sock",
                    "--agent-listen", "unix:" + root_.path() + "/bad-agent.sock"});
    EXPECT_NE(result.exit_code, 0) << c.toml;
    EXPECT_NE(result.err.find(c.expected), std::string::npos) << result.err;
  }
  // Nothing was written: the tree still has 8 VFs on mlx5_0, and the mlx4
  // VFs' P_Key indices are the driver's.
  EXPECT_EQ(tree_->ReadFile("bus/pci/devices/0000:03:00.0/sriov_numvfs"), "8");
  EXPECT_EQ(tree_->ReadFile("class/infiniband/mlx4_0/iov/" + FakeSysfs::VfAddress("0000:05:00.0", 0) +
                            "/ports/1/pkey_idx/0"),
            "0");
}

}  // namespace
}  // namespace fta::testing
