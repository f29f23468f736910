// The Prometheus endpoint of a real fta-hostd (--metrics-listen), scraped
// over HTTP after a job: fleet, agents, jobs, bytes, samples and RPC series.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <regex>

#include <gtest/gtest.h>

#include "tests/integration/hostd_harness.h"
#include "tests/integration/job_fixture.h"

namespace fta::testing {
namespace {

// GET http://127.0.0.1:port/metrics, the body.
std::string Scrape(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    close(fd);
    return "";
  }
  const std::string request = "GET /metrics HTTP/1.0\r\nHost: localhost\r\n\r\n";
  EXPECT_EQ(write(fd, request.data(), request.size()), static_cast<ssize_t>(request.size()));
  std::string response;
  char buffer[4096];
  for (ssize_t n; (n = read(fd, buffer, sizeof(buffer))) > 0;) response.append(buffer, static_cast<size_t>(n));
  close(fd);
  size_t body = response.find("\r\n\r\n");
  return body == std::string::npos ? "" : response.substr(body + 4);
}

// The value of the series line starting with `series` ("name{labels}"), or -1.
double Value(const std::string& scrape, const std::string& series) {
  std::istringstream lines(scrape);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
  }
  return -1;
}

TEST(MetricsTest, TheEndpointShowsTheFleetJobsAndCallsAfterAJob) {
  TempDir root;
  HostdProcess hostd(root.path(), {"--metrics-listen", "127.0.0.1:0"});
  ASSERT_TRUE(hostd.Start());
  std::smatch port_match;
  const std::string log = hostd.log();
  ASSERT_TRUE(std::regex_search(log, port_match, std::regex("metrics on .* \\(port (\\d+)\\)"))) << log;
  const int port = std::stoi(port_match[1]);

  fta::v1::AllocateFtasResponse allocated;
  ASSERT_TRUE(hostd.Allocate(2, &allocated).ok());
  std::filesystem::create_directories(root.path() + "/data");
  std::vector<fta::v1::JobEvent> events;
  ASSERT_TRUE(RunJob(hostd.jobs(), WriteReadRequest(root.path() + "/data", "64k", "8m"), &events).ok());
  ASSERT_EQ(events.back().finished().state(), fta::v1::JOB_STATE_COMPLETED);

  const std::string scrape = Scrape(port);
  ASSERT_FALSE(scrape.empty()) << "no answer on port " << port;
  EXPECT_EQ(Value(scrape, "fta_hostd_ftas{kind=\"process\",state=\"ready\"}"), 2) << scrape;
  EXPECT_EQ(Value(scrape, "fta_hostd_agents_connected"), 2) << scrape;
  EXPECT_EQ(Value(scrape, "fta_hostd_jobs{state=\"completed\"}"), 1) << scrape;
  // 2 ranks x 8 MiB written and read; samples report what moved.
  EXPECT_GT(Value(scrape, "fta_hostd_job_bytes_total"), 0) << scrape;
  EXPECT_GT(Value(scrape, "fta_hostd_samples_ingested_total"), 0) << scrape;
  EXPECT_GE(Value(scrape, "fta_hostd_job_throughput_mib_per_second"), 0) << scrape;
  EXPECT_EQ(Value(scrape, "fta_hostd_rpc_requests_total{code=\"0\",method=\"/fta.v1.JobService/RunIor\"}"), 1)
      << scrape;
  EXPECT_EQ(Value(scrape, "fta_hostd_rpc_duration_seconds_count{method=\"/fta.v1.FtaService/AllocateFtas\"}"), 1)
      << scrape;
  EXPECT_NE(scrape.find("fta_hostd_vfs"), std::string::npos) << scrape;
  hostd.ReleaseAll();
}

TEST(MetricsTest, OffByDefault) {
  TempDir root;
  HostdProcess hostd(root.path());
  ASSERT_TRUE(hostd.Start());
  EXPECT_EQ(hostd.log().find("metrics on"), std::string::npos);
}

}  // namespace
}  // namespace fta::testing
