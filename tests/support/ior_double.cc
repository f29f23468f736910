// A stand-in for the real `ior` binary in tests (built as tests/ior-double/ior
// in the build tree). It is not IOR: it understands the single-process,
// file-per-process POSIX runs fta-agent starts and answers in IOR 4.1's JSON
// summary layout (docs/ior-reference.md §5), moving real bytes to real files.
//
//   ior -a POSIX -F -w|-r -t T -b B -s S -i 1 -k [-E] [-e] -o BASE
//       -O summaryFormat=JSON,summaryFile=PATH
//
// Write creates BASE.00000000 with s*b bytes (t per write(), fsync with -e);
// read reads them back, and a missing file ends like IOR does: the ERROR line
// on stdout and exit status 255. Environment:
//   FTA_IOR_DOUBLE_REPLAY=FILE  print FILE on stdout (a fixture of a real run)
//                               and exit with FTA_IOR_DOUBLE_RC (default 1);
//                               FTA_IOR_DOUBLE_REPLAY_STDERR=FILE goes to stderr.
//   FTA_IOR_DOUBLE_BW_MIB=X     report X MiB/s as the bandwidth (so tests can
//                               assert the figure the agent parsed).
//   FTA_IOR_DOUBLE_LOG=FILE     append each argv, one line per run.
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace {

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

long long ParseSize(const std::string& text) {
  char* end = nullptr;
  long long value = std::strtoll(text.c_str(), &end, 10);
  switch (*end) {
    case 'k': case 'K': return value << 10;
    case 'm': case 'M': return value << 20;
    case 'g': case 'G': return value << 30;
    default: return value;
  }
}

std::string ReadFile(const char* path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string Fixed4(double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.4f", value);
  return buffer;
}

struct Run {
  bool write = false, read = false, fsync = false, json = false;
  long long transfer = 262144, block = 1048576, segments = 1;
  std::string base = "testFile", summary_file, command_line;
};

struct Times {
  double open = 0, xfer = 0, close = 0, total = 0;
};

int Fail(const std::string& message) {
  std::cout << "ERROR: " << message << ", (ior_double.cc)\n";
  return 255;
}

// IOR's JSON document for the phases run (FTA_IOR_DOUBLE_BW_MIB fixes the bandwidth).
std::string JsonReport(const Run& run, long long bytes, const std::vector<std::pair<std::string, Times>>& results) {
  const char* fixed_bw = std::getenv("FTA_IOR_DOUBLE_BW_MIB");
  std::ostringstream json;
  json << "{\n  \"Version\": \"4.1.0+dev\", \n  \"Began\": \"Thu Nov 26 07:00:00 2026\", \n"
       << "  \"Command line\": \"" << run.command_line << "\", \n  \"Machine\": \"Linux double\", \n"
       << "  \"tests\": [\n    {\n    \"TestID\": 0, \n    \"Options\": {\n      \"api\": \"POSIX\", \n"
       << "      \"test filename\": \"" << run.base << "\", \n      \"tasks\": 1\n    }\n, \n    \"Results\": [\n";
  for (size_t i = 0; i < results.size(); ++i) {
    const Times& t = results[i].second;
    double bw = fixed_bw ? std::atof(fixed_bw) : bytes / 1048576.0 / t.total;
    json << "      {\n        \"access\": \"" << results[i].first << "\", \n        \"bwMiB\": " << Fixed4(bw)
         << ", \n        \"blockKiB\": " << Fixed4(run.block / 1024.0) << ", \n        \"xferKiB\": "
         << Fixed4(run.transfer / 1024.0) << ", \n        \"iops\": " << Fixed4(bw * 1048576.0 / run.transfer)
         << ", \n        \"latency\": " << Fixed4(t.xfer / (bytes / run.transfer)) << ", \n        \"openTime\": "
         << Fixed4(t.open) << ", \n        \"wrRdTime\": " << Fixed4(t.xfer) << ", \n        \"closeTime\": "
         << Fixed4(t.close) << ", \n        \"totalTime\": " << Fixed4(t.total) << "\n      }\n"
         << (i + 1 < results.size() ? ", \n" : "");
  }
  json << "]\n  }\n]\n, \n\"summary\": [\n";
  for (size_t i = 0; i < results.size(); ++i) {
    const Times& t = results[i].second;
    double bw = fixed_bw ? std::atof(fixed_bw) : bytes / 1048576.0 / t.total;
    json << "    {\n    \"operation\": \"" << results[i].first << "\", \n    \"API\": \"POSIX\", \n"
         << "    \"segmentCount\": " << run.segments << ", \n    \"blockSize\": " << run.block
         << ", \n    \"transferSize\": " << run.transfer << ", \n    \"numTasks\": 1, \n    \"tasksPerNode\": 1, \n"
         << "    \"repetitions\": 1, \n    \"bwMaxMIB\": " << Fixed4(bw) << ", \n    \"bwMinMIB\": " << Fixed4(bw)
         << ", \n    \"bwMeanMIB\": " << Fixed4(bw) << ", \n    \"bwStdMIB\": 0.0000, \n    \"OPsMax\": "
         << Fixed4(bw) << ", \n    \"OPsMin\": " << Fixed4(bw) << ", \n    \"OPsMean\": " << Fixed4(bw)
         << ", \n    \"OPsSD\": 0.0000, \n    \"MeanTime\": " << Fixed4(t.total) << ", \n    \"xsizeMiB\": "
         << Fixed4(bytes / 1048576.0) << "\n  }\n" << (i + 1 < results.size() ? ", \n" : "");
  }
  json << "]\n, \n\"Finished\": \"Thu Nov 26 07:00:01 2026\"\n}\n";
  return json.str();
}

}  // namespace

int main(int argc, char** argv) {
  Run run;
  for (int i = 0; i < argc; ++i) run.command_line += (i ? " " : "") + std::string(argv[i]);
  if (const char* log = std::getenv("FTA_IOR_DOUBLE_LOG")) std::ofstream(log, std::ios::app) << run.command_line << "\n";
  if (const char* replay = std::getenv("FTA_IOR_DOUBLE_REPLAY")) {
    std::cout << ReadFile(replay);
    if (const char* err = std::getenv("FTA_IOR_DOUBLE_REPLAY_STDERR")) std::cerr << ReadFile(err);
    const char* rc = std::getenv("FTA_IOR_DOUBLE_RC");
    return rc ? std::atoi(rc) : 1;
  }
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (arg == "-w") run.write = true;
    else if (arg == "-r") run.read = true;
    else if (arg == "-e") run.fsync = true;
    else if (arg == "-t") run.transfer = ParseSize(value());
    else if (arg == "-b") run.block = ParseSize(value());
    else if (arg == "-s") run.segments = ParseSize(value());
    else if (arg == "-o") run.base = value();
    else if (arg == "-a" || arg == "-i") value();
    else if (arg == "-O") {
      std::stringstream directives(value());
      std::string directive;
      while (std::getline(directives, directive, ',')) {
        if (directive == "summaryFormat=JSON") run.json = true;
        if (directive.rfind("summaryFile=", 0) == 0) run.summary_file = directive.substr(12);
      }
    } else if (arg == "-F" || arg == "-k" || arg == "-E" || arg == "-Y" || arg == "-z" || arg == "-v" ||
               arg == "--posix.odirect") {
    } else {
      std::cout << "Error invalid argument: " << arg << "\nInvalid options\n";
      return 1;
    }
  }
  if (!run.json) return Fail("this test double writes only JSON (-O summaryFormat=JSON)");
  if (run.transfer <= 0 || run.block % run.transfer != 0) return Fail("block size must be a multiple of transfer size");
  if (!run.write && !run.read) run.write = run.read = true;

  const std::string path = run.base + ".00000000";
  const long long bytes = run.block * run.segments;
  std::vector<char> buffer(static_cast<size_t>(run.transfer), 'x');
  auto phase = [&](bool writing, Times* t) -> int {
    double start = Now();
    int fd = writing ? open(path.c_str(), O_CREAT | O_WRONLY, 0664) : open(path.c_str(), O_RDONLY);
    if (fd < 0) {
      return Fail("open64(\"" + path + "\", " + (writing ? "66, 0664) failed. Error: " : "0) failed: ") +
                  std::strerror(errno));
    }
    double opened = Now();
    for (long long done = 0; done < bytes; done += run.transfer) {
      ssize_t n = writing ? write(fd, buffer.data(), buffer.size()) : read(fd, buffer.data(), buffer.size());
      if (n != static_cast<ssize_t>(buffer.size())) {
        close(fd);
        return Fail(writing ? "write failed" : "cannot read from file");
      }
    }
    if (writing && run.fsync) fsync(fd);
    double transferred = Now();
    close(fd);
    double closed = Now();
    *t = Times{opened - start, transferred - opened, closed - transferred, closed - start};
    return 0;
  };

  std::vector<std::pair<std::string, Times>> results;
  for (bool writing : {true, false}) {
    if (writing ? !run.write : !run.read) continue;
    Times t;
    if (int rc = phase(writing, &t)) return rc;
    results.emplace_back(writing ? "write" : "read", t);
  }

  const std::string json = JsonReport(run, bytes, results);

  if (run.summary_file.empty()) {
    std::cout << json;
  } else {
    std::ofstream(run.summary_file) << json;
    std::cout << "Writing output to " << run.summary_file << "\n";
  }
  return 0;
}
