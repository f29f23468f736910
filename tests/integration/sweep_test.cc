// Sweeps on real parts: fta-hostd and its process FTAs, ftactl as operators
// run it, real SQLite, real files, and headless Chromium for the report.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <regex>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "fta/v1/sweep.grpc.pb.h"
#include "lib/core/file_text.h"
#include "tests/integration/hostd_harness.h"
#include "tests/integration/job_fixture.h"

namespace fta::testing {
namespace {

using nlohmann::json;

// Classes of the SVG's <polyline> elements, in document order.
std::vector<std::string> PolylineClasses(const std::string& svg) {
  std::vector<std::string> classes;
  std::regex element("<polyline\\s[^>]*>");
  std::regex klass("class=\"([^\"]*)\"");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), element); it != std::sregex_iterator(); ++it) {
    std::string tag = it->str();
    std::smatch match;
    classes.push_back(std::regex_search(tag, match, klass) ? match[1].str() : "");
  }
  return classes;
}

int64_t JsonInt(const json& value) {
  // proto3 JSON prints 64-bit integers as strings.
  return value.is_string() ? std::stoll(value.get<std::string>()) : value.get<int64_t>();
}

// Agents this test's daemons started, found by the test's own agent socket
// in their command line. A daemon killed right after launching an FTA has no
// pid on record for it (the FTA row is written before the launch), so the
// restarted daemon cannot adopt or stop that agent; it would dial forever.
void KillAgentsOf(const std::string& root) {
  const std::string socket = root + "/agent.sock";
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", error)) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string cmdline = ReadFileOrEmpty(entry.path().string() + "/cmdline");
    std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
    if (cmdline.find("fta-agent") != std::string::npos && cmdline.find(socket) != std::string::npos) {
      kill(static_cast<pid_t>(std::stoi(name)), SIGKILL);
    }
  }
}

// One sweep for the whole suite (it is the slow part): 1..3 FTAs, two
// transfer sizes, with the native baseline.
class SweepTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    root_ = new TempDir();
    hostd_ = new HostdProcess(root_->path());
    ASSERT_TRUE(hostd_->Start());
    data_dir_ = root_->path() + "/data";
    std::filesystem::create_directories(data_dir_);
    result_ = new CommandResult(hostd_->Ftactl({"sweep", "--vms",
                                            "1..3", "-t", "64k,1m", "-b", "8m", "-d", data_dir_, "--native", "-o",
                                            "json"}));
  }
  static void TearDownTestSuite() {
    if (hostd_) ReleaseAllAndStop(*hostd_);
    if (root_) KillAgentsOf(root_->path());
    delete hostd_;
    delete result_;
    delete root_;
    hostd_ = nullptr;
  }
  void TearDown() override {
    if (HasFailure()) std::cerr << "---- fta-hostd log ----\n" << hostd_->log();
  }

  static json Sweep() {
    EXPECT_EQ(result_->exit_code, 0) << result_->err;
    return json::parse(result_->out);
  }

  static TempDir* root_;
  static HostdProcess* hostd_;
  static std::string data_dir_;
  static CommandResult* result_;
};

TempDir* SweepTest::root_ = nullptr;
HostdProcess* SweepTest::hostd_ = nullptr;
std::string SweepTest::data_dir_;
CommandResult* SweepTest::result_ = nullptr;

TEST_F(SweepTest, EveryPointIsStoredWithItsJobAndSnapshot) {
  json sweep = Sweep();
  EXPECT_EQ(sweep["state"], "completed") << sweep["error"];
  // Per transfer size: native 1 rank, then N = 1, 2, 3 FTAs, and native with
  // 2 and 3 ranks: 6 runs, each measuring write and read.
  ASSERT_EQ(sweep["runs"].size(), 12u);
  EXPECT_EQ(sweep["steps_done"], 12);
  EXPECT_EQ(sweep["steps_total"], 12);
  ASSERT_EQ(sweep["points"].size(), 24u);
  std::set<std::string> jobs;
  for (const json& run : sweep["runs"]) {
    EXPECT_EQ(run["state"], "completed") << run["error"];
    EXPECT_GT(run["write_mib"].get<double>(), 0);
    EXPECT_GT(run["read_mib"].get<double>(), 0);
    EXPECT_EQ(JsonInt(run["block_size_bytes"]), 8 << 20);
    EXPECT_EQ(run["snapshot"]["backend"], "process");
    EXPECT_EQ(run["snapshot"]["engine"], "builtin");
    EXPECT_FALSE(run["snapshot"]["kernel"].get<std::string>().empty());
    EXPECT_EQ(run["snapshot"]["config_hash"].get<std::string>().size(), 16u);
    EXPECT_GT(run["snapshot"]["cpu_count"].get<int>(), 0);
    jobs.insert(run["job_id"].get<std::string>());
    if (run["target"] == "native-N") {
      EXPECT_EQ(run["ranks"], run["fta_count"]);
    }
  }
  EXPECT_EQ(jobs.size(), 12u);  // one IOR job per run
  for (const json& point : sweep["points"]) {
    EXPECT_GT(point["bandwidth_mib"].get<double>(), 0);
    EXPECT_TRUE(jobs.count(point["job_id"].get<std::string>()));
    EXPECT_TRUE(point["phase"] == "write" || point["phase"] == "read");
    EXPECT_EQ(point["link_utilisation_pct"], -1);  // no VF behind these FTAs: nothing metered
  }
  // The jobs are real jobs: `job show` knows them, with the FTAs they ran on.
  // Step 2 is N = 2 FTAs for 64k (after native 1 rank and N = 1).
  ASSERT_EQ(sweep["runs"][2]["target"], "fta");
  CommandResult job = hostd_->Ftactl({"job", "show", sweep["runs"][2]["job_id"], "-o", "json"});
  ASSERT_EQ(job.exit_code, 0) << job.err;
  json job_json = json::parse(job.out);
  EXPECT_EQ(job_json["agents"].size(), 2u);
  // FTAs left running at the end: the last N.
  fta::v1::ListFtasResponse listed;
  auto context = ContextWithDeadline(30);
  ASSERT_TRUE(hostd_->ftas().ListFtas(context.get(), fta::v1::ListFtasRequest(), &listed).ok());
  int guests = 0;
  for (const auto& fta : listed.ftas()) guests += fta.kind() == fta::v1::FTA_KIND_PROCESS;
  EXPECT_EQ(guests, 3);
}

TEST_F(SweepTest, SummaryPerTransferSizeRelatesToNative) {
  json sweep = Sweep();
  const json& transfers = sweep["summary"]["transfers"];
  ASSERT_EQ(transfers.size(), 2u);
  EXPECT_EQ(JsonInt(transfers[0]["transfer_size_bytes"]), 65536);
  EXPECT_EQ(JsonInt(transfers[1]["transfer_size_bytes"]), 1048576);
  for (const json& transfer : transfers) {
    double native_write = transfer["native_write_mib"].get<double>();
    ASSERT_GT(native_write, 0);
    ASSERT_EQ(transfer["rows"].size(), 3u);
    double best = 0;
    int best_n = 0;
    for (int i = 0; i < 3; ++i) {
      const json& row = transfer["rows"][i];
      EXPECT_EQ(row["fta_count"], i + 1);
      double write = row["write_mib"].get<double>();
      EXPECT_NEAR(row["write_pct_native"].get<double>(), write / native_write * 100, 1e-6);
      EXPECT_GT(row["native_matched_write_mib"].get<double>(), 0);
      if (write > best) best = write, best_n = i + 1;
    }
    EXPECT_EQ(transfer["best_write_n"], best_n);
    int saturation = transfer["write_saturation_n"];
    EXPECT_TRUE(saturation == 0 || (saturation >= 1 && saturation <= 2)) << saturation;
  }
  CommandResult shown = hostd_->Ftactl({"sweep", "show", sweep["id"]});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_NE(shown.out.find("SUMMARY -t 64k -b 8m"), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find("saturation"), std::string::npos);
  CommandResult listed = hostd_->Ftactl({"sweep", "list"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.out.find(sweep["id"].get<std::string>()), std::string::npos) << listed.out;
  // `results list`, the verb's old name, stays for scripts.
  CommandResult alias = hostd_->Ftactl({"results", "list"});
  ASSERT_EQ(alias.exit_code, 0) << alias.err;
  EXPECT_EQ(alias.out, listed.out);
}

TEST_F(SweepTest, ExportAsCsvAndJson) {
  json sweep = Sweep();
  std::string id = sweep["id"];
  CommandResult csv = hostd_->Ftactl({"sweep", "export", id, "--format", "csv"});
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  std::vector<std::string> lines;
  std::stringstream stream(csv.out);
  for (std::string line; std::getline(stream, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), 25u);  // header + 24 points
  EXPECT_EQ(lines[0].rfind("sweep_id,step,transfer_size,", 0), 0u) << lines[0];
  int native_single = 0;
  for (size_t i = 1; i < lines.size(); ++i) {
    EXPECT_EQ(lines[i].rfind(id + ",", 0), 0u) << lines[i];
    native_single += lines[i].find(",native-1,") != std::string::npos;
  }
  EXPECT_EQ(native_single, 4);  // 2 sizes x write/read

  std::string file = root_->path() + "/export.json";
  CommandResult exported = hostd_->Ftactl({"results", "export", id, "--format", "json", "--file", file});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  json from_file = json::parse(ReadFileOrEmpty(file));
  EXPECT_EQ(from_file["id"], id);
  EXPECT_EQ(from_file["points"].size(), 24u);
  EXPECT_EQ(from_file["summary"], sweep["summary"]);

  CommandResult compared = hostd_->Ftactl({"sweep", "compare", id, id});
  ASSERT_EQ(compared.exit_code, 0) << compared.err;
  EXPECT_NE(compared.out.find("+0.0%"), std::string::npos) << compared.out;
  CommandResult missing = hostd_->Ftactl({"results", "export", "sweep-999"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("NOT_FOUND"), std::string::npos) << missing.err;
}

TEST_F(SweepTest, ReportDrawsOneLinePerTransferSizePlusNative) {
  json sweep = Sweep();
  std::string out = root_->path() + "/report";
  CommandResult report = hostd_->Ftactl({"report", sweep["id"], "--out", out});
  ASSERT_EQ(report.exit_code, 0) << report.err;
  for (const char* phase : {"write", "read"}) {
    std::string svg = ReadFileOrEmpty(out + "/" + phase + ".svg");
    ASSERT_FALSE(svg.empty()) << phase;
    std::vector<std::string> classes = PolylineClasses(svg);
    EXPECT_EQ(std::count(classes.begin(), classes.end(), "series fta"), 2) << phase;
    EXPECT_EQ(std::count(classes.begin(), classes.end(), "series native"), 2) << phase;
    EXPECT_NE(svg.find("Number of FTAs"), std::string::npos);
    EXPECT_NE(svg.find("bandwidth (MiB/s)"), std::string::npos);
    EXPECT_NE(svg.find("id=\"" + std::string(phase) + "-fta-64k\""), std::string::npos);
    EXPECT_NE(svg.find("id=\"" + std::string(phase) + "-native-1m\""), std::string::npos);
  }
  std::string html = ReadFileOrEmpty(out + "/report.html");
  EXPECT_NE(html.find("<svg "), std::string::npos);
  EXPECT_NE(html.find(sweep["runs"][0]["job_id"].get<std::string>()), std::string::npos);
}

TEST_F(SweepTest, ReportPageRendersInHeadlessChromium) {
  json sweep = Sweep();
  std::string chromium;
  for (const char* candidate : {"/usr/bin/chromium", "/usr/bin/chromium-browser"}) {
    if (access(candidate, X_OK) == 0) chromium = candidate;
  }
  if (chromium.empty()) {
    GTEST_SKIP() << "chromium is not installed: scripts/install-deps.sh installs Debian's chromium package, "
                    "which this machine could not get";
  }
  std::string out = root_->path() + "/report-chromium";
  CommandResult report = hostd_->Ftactl({"report", sweep["id"], "--out", out});
  ASSERT_EQ(report.exit_code, 0) << report.err;
  TempDir profile;
  std::string png = out + "/report.png";
  CommandResult shot = RunCommand({chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                                   "--no-first-run", "--disable-background-networking", "--disable-component-update",
                                   "--disable-sync", "--user-data-dir=" + profile.path(), "--screenshot=" + png,
                                   "--window-size=1200,900", "file://" + out + "/report.html"});
  ASSERT_EQ(shot.exit_code, 0) << shot.err;
  std::string image = ReadFileOrEmpty(png);
  ASSERT_GT(image.size(), 20000u) << "a blank 1200x900 page compresses far below this";
  EXPECT_EQ(image.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
}

TEST_F(SweepTest, BadSweepsAreRefusedNamingTheFlagAndTheDaemonKeepsServing) {
  json sweep = Sweep();
  std::string id = sweep["id"];
  struct Case {
    std::vector<std::string> args;
    int exit_code;
    std::string message;
  };
  std::vector<Case> cases = {
      {{"sweep", "--vms", "3..1", "-t", "1m", "-b", "8m", "-d", data_dir_}, 2, "--vms"},
      {{"sweep", "--vms", "1..2", "-t", "16m", "-b", "8m", "-d", data_dir_}, 1, "INVALID_ARGUMENT: -b"},
      {{"sweep", "--vms", "1..2", "-t", "1m", "-b", "8m", "-d", root_->path() + "/missing"}, 1, "-d"},
      {{"sweep", "--vms", "1..500", "-t", "1m", "-b", "8m", "-d", data_dir_}, 1, "RESOURCE_EXHAUSTED"},
      {{"sweep", "--vms", "1", "-t", "1m", "-b", "8m", "-d", data_dir_, "--backend", "libvirt"}, 1, "--backend"},
      {{"sweep", "cancel", id}, 1, "FAILED_PRECONDITION"},
      {{"sweep", "resume", id}, 1, "already completed"},
      {{"sweep", "resume", "sweep-404"}, 1, "NOT_FOUND"},
  };
  for (const Case& c : cases) {
    CommandResult result = hostd_->Ftactl(c.args);
    EXPECT_EQ(result.exit_code, c.exit_code) << c.args[1] << " " << result.err;
    EXPECT_NE(result.err.find(c.message), std::string::npos) << result.err;
  }
  CommandResult listed = hostd_->Ftactl({"results", "list", "-o", "json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_EQ(json::parse(listed.out)["sweeps"].size(), 1u);  // nothing was created by the refused ones
}

// A daemon killed (SIGKILL) after the first run was stored: the restarted
// daemon marks the sweep INTERRUPTED with the run kept, and resume finishes
// it without re-running what was done.
TEST(SweepRestartTest, KilledDaemonKeepsFinishedRunsAndResumes) {
  TempDir root;
  std::string data = root.path() + "/data";
  std::filesystem::create_directories(data);
  HostdProcess hostd(root.path());
  ASSERT_TRUE(hostd.Start());
  auto channel = grpc::CreateChannel(hostd.control_target(), grpc::InsecureChannelCredentials());
  auto sweeps = fta::v1::SweepService::NewStub(channel);

  fta::v1::StartSweepRequest request;
  for (int count : {1, 2, 3}) request.mutable_spec()->add_fta_counts(count);
  request.mutable_spec()->add_transfer_sizes("64k");
  request.mutable_spec()->set_block_size("8m");
  request.mutable_spec()->set_directory(data);
  std::string id;
  std::string first_job;
  {
    auto context = ContextWithDeadline(300);
    auto reader = sweeps->StartSweep(context.get(), request);
    fta::v1::SweepEvent event;
    while (reader->Read(&event)) {
      if (event.has_started()) id = event.started().id();
      if (event.has_run_finished()) {
        first_job = event.run_finished().job_id();
        ASSERT_EQ(event.run_finished().state(), fta::v1::SWEEP_RUN_STATE_COMPLETED) << event.run_finished().error();
        hostd.Kill();  // the first run is stored before its event is sent
        break;
      }
    }
    context->TryCancel();
    (void)reader->Finish();
  }
  ASSERT_FALSE(id.empty());
  ASSERT_FALSE(first_job.empty());

  ASSERT_TRUE(hostd.Start());
  channel = grpc::CreateChannel(hostd.control_target(), grpc::InsecureChannelCredentials());
  sweeps = fta::v1::SweepService::NewStub(channel);
  fta::v1::GetSweepRequest get;
  get.set_id(id);
  fta::v1::Sweep interrupted;
  {
    auto context = ContextWithDeadline(30);
    context->set_wait_for_ready(true);
    grpc::Status status = sweeps->GetSweep(context.get(), get, &interrupted);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  EXPECT_EQ(interrupted.state(), fta::v1::SWEEP_STATE_INTERRUPTED);
  EXPECT_NE(interrupted.error().find("sweep resume"), std::string::npos) << interrupted.error();
  ASSERT_GE(interrupted.runs_size(), 1);
  EXPECT_EQ(interrupted.runs(0).job_id(), first_job);
  EXPECT_LT(interrupted.steps_done(), 3);
  EXPECT_GE(interrupted.points_size(), 2);

  fta::v1::ResumeSweepRequest resume;
  resume.set_id(id);
  fta::v1::Sweep finished;
  {
    auto context = ContextWithDeadline(300);
    auto reader = sweeps->ResumeSweep(context.get(), resume);
    fta::v1::SweepEvent event;
    while (reader->Read(&event)) {
      if (event.has_finished()) finished = event.finished();
    }
    grpc::Status status = reader->Finish();
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  EXPECT_EQ(finished.state(), fta::v1::SWEEP_STATE_COMPLETED) << finished.error() << "\n" << hostd.log();
  ASSERT_EQ(finished.runs_size(), 3);
  EXPECT_EQ(finished.steps_done(), 3);
  EXPECT_EQ(finished.runs(0).job_id(), first_job);  // kept, not re-run
  EXPECT_EQ(finished.points_size(), 6);
  for (const auto& run : finished.runs()) EXPECT_EQ(run.state(), fta::v1::SWEEP_RUN_STATE_COMPLETED) << run.error();

  // A completed sweep is not resumed again.
  {
    auto context = ContextWithDeadline(30);
    auto reader = sweeps->ResumeSweep(context.get(), resume);
    fta::v1::SweepEvent event;
    while (reader->Read(&event)) {
    }
    EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  }
  sweeps.reset();
  channel.reset();
  if (::testing::Test::HasFailure()) std::cerr << "---- fta-hostd log ----\n" << hostd.log();
  ReleaseAllAndStop(hostd);
  KillAgentsOf(root.path());
}

}  // namespace
}  // namespace fta::testing
