// ftactl's table and JSON output, checked on hand-built API messages.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "google/protobuf/util/json_util.h"
#include "lib/cli/format.h"
#include "lib/cli/job_format.h"
#include "lib/cli/json.h"
#include "lib/cli/table.h"
#include "nlohmann/json.hpp"

namespace fta::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::vector<std::string> Lines(const std::string& text) {
  return absl::StrSplit(text, '\n', absl::SkipEmpty());
}

// The line of `text` that starts with `prefix`, or "" when there is none.
std::string LineStartingWith(const std::string& text, const std::string& prefix) {
  for (const std::string& line : Lines(text)) {
    if (line.rfind(prefix, 0) == 0) return line;
  }
  return "";
}

FormatOptions Utc() {
  FormatOptions options;
  options.zone = absl::UTCTimeZone();
  return options;
}

// Two agents, two ranks, one iteration of write and read.
v1::Job CompletedJob() {
  v1::Job job;
  job.set_id("job-7");
  job.set_state(v1::JOB_STATE_COMPLETED);
  job.set_engine(v1::ENGINE_BUILTIN);
  job.set_transfer_size_bytes(1 << 20);
  job.set_block_size_bytes(int64_t{1} << 30);
  job.mutable_spec()->set_transfer_size("1m");
  job.mutable_spec()->set_block_size("1g");
  job.mutable_spec()->set_directory("/lustre/scratch");
  job.mutable_spec()->set_write(true);
  job.mutable_spec()->set_read(true);
  job.set_created_unix_ms(1714568645000);  // 2024-05-01 13:04:05 UTC
  for (const char* fta : {"fta-1", "fta-2"}) {
    v1::JobAgent* agent = job.add_agents();
    agent->set_fta_id(fta);
    agent->add_ranks(job.agents_size() - 1);
    agent->set_state(v1::JOB_AGENT_STATE_OK);
  }
  v1::PhaseAggregate* write = job.add_aggregates();
  write->set_iteration(0);
  write->set_phase(v1::PHASE_WRITE);
  write->set_bytes(int64_t{2} << 30);
  write->set_total_seconds(2.5);
  write->set_bandwidth_mib(819.2);
  write->set_bandwidth_mb(858.99);
  write->set_iops(819.0);
  write->set_start_skew_seconds(0.004);
  write->set_ranks(2);
  v1::PhaseAggregate* read = job.add_aggregates();
  *read = *write;
  read->set_phase(v1::PHASE_READ);
  read->set_bandwidth_mib(1638.4);
  read->set_bandwidth_mb(1717.99);
  const int64_t origin = 1714568646000000000;
  for (int rank = 0; rank < 2; ++rank) {
    v1::RankPhaseResult* r = job.add_rank_results();
    r->set_fta_id(rank == 0 ? "fta-1" : "fta-2");
    r->set_rank(rank);
    r->set_phase(v1::PHASE_WRITE);
    r->set_bytes(int64_t{1} << 30);
    r->set_open_start_ns(origin + rank * 4000000);    // rank 1 starts 4 ms late
    r->set_close_end_ns(origin + 2500000000 - rank);  // both end near 2.5 s
  }
  return job;
}

// A table of `headers` and `rows` as rendered, column `right` (if any)
// right-aligned.
std::string Rendered(const std::vector<std::string>& headers, const std::vector<std::vector<std::string>>& rows,
                     int right = -1) {
  Table table(headers);
  if (right >= 0) table.AlignRight(static_cast<size_t>(right));
  for (const std::vector<std::string>& row : rows) table.AddRow(row);
  return table.Render();
}

TEST(TableTest, AlignsColumnsToTheWidestCell) {
  EXPECT_EQ(Rendered({"ID", "STATE"}, {{"fta-10", "ready"}, {"f", "busy"}}),
            "ID      STATE\n"
            "fta-10  ready\n"
            "f       busy\n");
}

TEST(TableTest, RightAlignedColumnsLineUpNumbers) {
  EXPECT_EQ(Rendered({"PHASE", "MiB/s"}, {{"write", "12.50"}, {"read", "1234.00"}}, 1),
            "PHASE    MiB/s\n"
            "write    12.50\n"
            "read   1234.00\n");
}

TEST(TableTest, ShortRowsArePaddedAndNoLineEndsInBlanks) {
  Table table({"A", "B", "C"});
  table.AddRow({"x"});
  table.AddRow({"y", "", "long"});
  for (const std::string& line : Lines(table.Render())) {
    EXPECT_NE(line.back(), ' ') << "\"" << line << "\"";
  }
  EXPECT_EQ(table.row_count(), 2u);
}

TEST(TableTest, NewlinesInCellsDoNotBreakRows) {
  EXPECT_EQ(Rendered({"ERROR"}, {{"first\nsecond"}}), "ERROR\nfirst second\n");
}

TEST(TableTest, MultibyteCharactersCountAsOneColumn) {
  // "nöde": 4 columns, 5 bytes.
  std::vector<std::string> lines = Lines(Rendered({"HOST", "X"}, {{"n\xC3\xB6" "de", "1"}, {"node", "2"}}));
  EXPECT_EQ(lines[1], "n\xC3\xB6" "de  1");
  EXPECT_EQ(lines[2], "node  2");
}

TEST(FieldListTest, AlignsValuesAfterTheLongestLabel) {
  FieldList fields;
  fields.Add("ID", "fta-1");
  fields.Add("Last error", "-");
  EXPECT_EQ(fields.Render(),
            "ID:          fta-1\n"
            "Last error:  -\n");
}

TEST(FormatTest, RankListsCompressRuns) {
  EXPECT_EQ(FormatRanks({0, 1, 2, 3, 8}), "0-3,8");
  EXPECT_EQ(FormatRanks({5}), "5");
  EXPECT_EQ(FormatRanks({}), "-");
}

TEST(HostViewTest, ShowsCapacityAndSriovStatus) {
  v1::HostInfo host;
  host.set_hostname("node7");
  host.set_backend(v1::BACKEND_PROCESS);
  host.set_cpu_cores(12);
  host.set_memory_bytes(int64_t{48} << 30);
  host.set_max_ftas(11);
  host.set_ftas_active(3);
  host.set_sriov_status("no SR-IOV device under /sys");
  std::string text = RenderHost(host, Utc());
  EXPECT_THAT(text, HasSubstr("node7"));
  EXPECT_THAT(text, HasSubstr("48.00 GiB"));
  EXPECT_THAT(text, HasSubstr("3 of 11"));
  EXPECT_THAT(text, HasSubstr("no SR-IOV device under /sys"));
  EXPECT_THAT(LineStartingWith(text, "Started:"), HasSubstr("-"));
}

TEST(FtaViewTest, ListHasOneRowPerFtaWithStateAndError) {
  v1::ListFtasResponse response;
  v1::Fta* a = response.add_ftas();
  a->set_id("fta-1");
  a->set_kind(v1::FTA_KIND_PROCESS);
  a->set_state(v1::FTA_STATE_READY);
  a->set_pid(4242);
  a->set_connected_unix_ms(1714568645000);
  v1::Fta* b = response.add_ftas();
  b->set_id("fta-2");
  b->set_state(v1::FTA_STATE_FAILED);
  b->set_last_error("guest exited with status 1");
  std::string text = RenderFtaList(response.ftas(), Utc());
  ASSERT_EQ(Lines(text).size(), 3u);
  EXPECT_THAT(LineStartingWith(text, "fta-1"), HasSubstr("ready"));
  EXPECT_THAT(LineStartingWith(text, "fta-1"), HasSubstr("4242"));
  EXPECT_THAT(LineStartingWith(text, "fta-1"), HasSubstr("2024-05-01 13:04:05"));
  EXPECT_THAT(LineStartingWith(text, "fta-2"), HasSubstr("guest exited with status 1"));
}

TEST(FtaViewTest, DetailSaysWhenNoRealIorIsInstalled) {
  v1::Fta fta;
  fta.set_id("fta-1");
  EXPECT_THAT(RenderFtaDetail(fta, Utc()), HasSubstr("built-in engine only"));
}

TEST(JobViewTest, ResultsRowsCarryTheAggregateNumbers) {
  std::string text = RenderJobDetail(CompletedJob(), Utc());
  std::string write = LineStartingWith(text, "   0  write");
  ASSERT_FALSE(write.empty()) << text;
  for (const char* number : {"2.00 GiB", "819.20", "858.99", "2.500", "0.004", "819"}) {
    EXPECT_THAT(write, HasSubstr(number));
  }
  EXPECT_THAT(LineStartingWith(text, "   0  read"), HasSubstr("1638.40"));
}

TEST(JobViewTest, HeaderShowsStateAndTheIorOptions) {
  std::string text = RenderJobDetail(CompletedJob(), Utc());
  EXPECT_THAT(LineStartingWith(text, "State:"), HasSubstr("completed"));
  EXPECT_THAT(LineStartingWith(text, "IOR:"), HasSubstr("-t 1m -b 1g -w -r"));
  EXPECT_THAT(LineStartingWith(text, "Created:"), HasSubstr("2024-05-01 13:04:05"));
  EXPECT_THAT(text, Not(HasSubstr("Error:")));
}

TEST(JobViewTest, AgentsSectionHasOneRowPerAgent) {
  v1::Job job = CompletedJob();
  job.mutable_agents(1)->set_state(v1::JOB_AGENT_STATE_FAILED);
  job.mutable_agents(1)->set_error("EIO on open");
  std::string text = RenderJobDetail(job, Utc());
  size_t agents = text.find("AGENTS\n");
  ASSERT_NE(agents, std::string::npos);
  std::string section = text.substr(agents, text.find("\n\n", agents) - agents);
  std::vector<std::string> lines = Lines(section);
  ASSERT_EQ(lines.size(), 4u) << section;  // title, header, two agents
  EXPECT_THAT(lines[2], HasSubstr("fta-1"));
  EXPECT_THAT(lines[3], HasSubstr("failed"));
  EXPECT_THAT(lines[3], HasSubstr("EIO on open"));
}

TEST(JobViewTest, IbLinksSectionOnlyWhenMeteredWithCheckAndErrors) {
  v1::Job job = CompletedJob();
  EXPECT_THAT(RenderJobDetail(job, Utc()), Not(HasSubstr("IB LINKS")));
  v1::LinkUsage* link = job.mutable_aggregates(0)->add_links();
  link->set_ib_port("mlx5_0/1");
  link->set_pf("0000:03:00.0");
  link->set_rate_gbps(100);
  link->set_utilisation_pct(42.26);
  link->set_xmit_bytes(int64_t{2} << 30);
  link->set_rcv_bytes(1024);
  link->set_agent_bytes(int64_t{2} << 30);
  link->set_check("ok");
  v1::LinkUsage* broken = job.mutable_aggregates(1)->add_links();
  broken->set_ib_port("mlx5_0/1");
  broken->set_error("counters/port_rcv_data: No such file");
  std::string text = RenderJobDetail(job, Utc());
  size_t links = text.find("IB LINKS\n");
  ASSERT_NE(links, std::string::npos) << text;
  std::vector<std::string> lines = Lines(text.substr(links, text.find("\n\n", links) - links));
  ASSERT_EQ(lines.size(), 4u) << text;  // title, header, two phases
  for (const char* part : {"mlx5_0/1", "0000:03:00.0", "100", "42.3", "2.00 GiB", "1.00 KiB", "ok"}) {
    EXPECT_THAT(lines[2], HasSubstr(part));
  }
  EXPECT_THAT(lines[3], HasSubstr("unreadable: counters/port_rcv_data: No such file"));
}

TEST(JobViewTest, PageCacheSectionOnlyForFlaggedReads) {
  v1::Job job = CompletedJob();
  EXPECT_THAT(RenderJobDetail(job, Utc()), Not(HasSubstr("PAGE CACHE")));
  job.mutable_aggregates(1)->set_cache_note("likely cache-served: 2g < 20g memory available");
  std::string text = RenderJobDetail(job, Utc());
  EXPECT_THAT(text, HasSubstr("\nPAGE CACHE\n  iteration 0 read: likely cache-served: 2g < 20g memory available\n"));
}

TEST(JobViewTest, RankTimesAreSecondsSinceTheEarliestOpen) {
  std::string text = RenderJobDetail(CompletedJob(), Utc());
  size_t ranks = text.find("\nRANKS\n");  // not the RESULTS column
  ASSERT_NE(ranks, std::string::npos);
  std::vector<std::string> lines = Lines(text.substr(ranks));
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_THAT(lines[2], HasSubstr("0.000"));
  EXPECT_THAT(lines[2], HasSubstr("2.500"));
  EXPECT_THAT(lines[3], HasSubstr("0.004"));
}

TEST(JobViewTest, RanksIorReportedShowIorsDurationOffTheTimeline) {
  v1::Job job = CompletedJob();
  v1::RankPhaseResult* reported = job.add_rank_results();
  reported->set_rank(0);
  reported->set_phase(v1::PHASE_READ);
  reported->set_bytes(int64_t{1} << 30);
  reported->set_close_end_ns(1250000000);  // IOR's per-rank CSV: a duration, not a time
  reported->set_timestamp_source("ior-reported");
  std::string text = RenderJobDetail(job, Utc());
  std::vector<std::string> lines = Lines(text.substr(text.find("\nRANKS\n")));
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_THAT(lines[2], HasSubstr("2.500")) << "measured rows keep the job's timeline";
  EXPECT_THAT(lines[4], HasSubstr("1.250"));
  EXPECT_THAT(lines[4], Not(HasSubstr("-17"))) << "no time computed from a duration";
  EXPECT_THAT(lines[4], HasSubstr(" - ")) << lines[4];
}

TEST(JobViewTest, SummaryAppearsOnlyForRepeatedIterations) {
  v1::Job job = CompletedJob();
  EXPECT_THAT(RenderJobDetail(job, Utc()), Not(HasSubstr("SUMMARY")));

  job.mutable_spec()->set_iterations(3);
  v1::PhaseSummary* summary = job.add_summaries();
  summary->set_phase(v1::PHASE_WRITE);
  summary->set_iterations(3);
  summary->set_max_mib(900.5);
  summary->set_min_mib(700.25);
  summary->set_mean_mib(800.0);
  summary->set_stddev_mib(81.75);
  std::string text = RenderJobDetail(job, Utc());
  ASSERT_THAT(text, HasSubstr("SUMMARY"));
  std::string row = LineStartingWith(text.substr(text.find("SUMMARY")), "write");
  for (const char* number : {"900.50", "700.25", "800.00", "81.75"}) {
    EXPECT_THAT(row, HasSubstr(number));
  }
}

TEST(JobViewTest, FailedJobShowsItsError) {
  v1::Job job;
  job.set_id("job-8");
  job.set_state(v1::JOB_STATE_FAILED);
  job.set_error("fta-2 lost during write");
  std::string text = RenderJobDetail(job, Utc());
  EXPECT_THAT(LineStartingWith(text, "Error:"), HasSubstr("fta-2 lost during write"));
  EXPECT_THAT(text, Not(HasSubstr("RESULTS")));
}

TEST(JobListTest, ShowsMeanBandwidthPerPhase) {
  v1::ListJobsResponse response;
  *response.add_jobs() = CompletedJob();
  v1::Job* pending = response.add_jobs();
  pending->set_id("job-9");
  pending->set_state(v1::JOB_STATE_RUNNING);
  pending->mutable_spec()->set_transfer_size("100k");
  std::string text = RenderJobList(response.jobs(), Utc());
  ASSERT_EQ(Lines(text).size(), 3u);
  std::string done = LineStartingWith(text, "job-7");
  EXPECT_THAT(done, HasSubstr("819.20"));
  EXPECT_THAT(done, HasSubstr("1638.40"));
  EXPECT_THAT(done, HasSubstr("1m"));
  EXPECT_THAT(LineStartingWith(text, "job-9"), HasSubstr("100k"));
}

TEST(JsonTest, EnumsAreFtactlsWordsAtEveryDepth) {
  v1::Job job = CompletedJob();
  absl::StatusOr<std::string> json = ToJson(job);
  ASSERT_TRUE(json.ok()) << json.status();
  nlohmann::json document = nlohmann::json::parse(*json);
  EXPECT_EQ(document["state"], "completed");
  EXPECT_EQ(document["engine"], "builtin");
  EXPECT_EQ(document["agents"][0]["state"], "ok");            // repeated message
  EXPECT_EQ(document["aggregates"][0]["phase"], "write");     // nested in a repeated message
  EXPECT_EQ(document["spec"]["engine"], "");                  // UNSPECIFIED of a former string
  EXPECT_EQ(document["aggregates"][0]["bytes"].is_string(), true);  // int64 stays a string
}

TEST(JsonTest, UsesProtoFieldNamesAndPrintsDefaults) {
  v1::Job job;
  job.set_id("job-1");
  absl::StatusOr<std::string> json = ToJson(job);
  ASSERT_TRUE(json.ok()) << json.status();
  nlohmann::json document = nlohmann::json::parse(*json);
  EXPECT_EQ(document["id"], "job-1");
  EXPECT_TRUE(document.contains("created_unix_ms"));  // snake_case, not createdUnixMs
  EXPECT_EQ(document["error"], "");                   // default printed, not omitted
  EXPECT_EQ(document["state"], "unspecified");
}

TEST(JsonTest, ListIsOneDocument) {
  v1::ListFtasResponse response;
  response.add_ftas()->set_id("fta-1");
  response.add_ftas()->set_id("fta-2");
  absl::StatusOr<std::string> json = ToJson(response);
  ASSERT_TRUE(json.ok()) << json.status();
  nlohmann::json document = nlohmann::json::parse(*json);  // throws on two documents
  ASSERT_EQ(document["ftas"].size(), 2u);
  EXPECT_EQ(document["ftas"][1]["id"], "fta-2");
}

}  // namespace
}  // namespace fta::cli
