// A real fta-hostd for integration tests: started as a process on private
// sockets in a temp directory, stopped with SIGTERM, talked to over real gRPC.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "fta/v1/host.grpc.pb.h"
#include "fta/v1/job.grpc.pb.h"
#include "fta/v1/fta.grpc.pb.h"

namespace fta::testing {

// Binaries built next to the tests.
std::string HostdBinary();
std::string AgentBinary();
std::string FtactlBinary();

// mkdtemp under /tmp, removed recursively by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// A TCP port on 127.0.0.1 nobody listens on right now (the kernel picks it).
int FreeTcpPort();

// Runs argv (no shell), capturing stdout and stderr.
CommandResult RunCommand(const std::vector<std::string>& argv);

class HostdProcess {
 public:
  // `root` holds state/, control.sock, agent.sock and hostd.log.
  explicit HostdProcess(std::string root, std::vector<std::string> extra_flags = {});
  ~HostdProcess();  // Stop()

  // Starts the daemon and waits until its control socket answers.
  ::testing::AssertionResult Start();
  // SIGTERM and wait; returns the exit status.
  int Stop();
  // SIGKILL, like a crash.
  void Kill();
  // Sends `signal_number` (SIGHUP: reload) to the daemon.
  void Signal(int signal_number);
  // False once the daemon exited (reaped here).
  bool Running();
  pid_t pid() const { return pid_; }

  std::string control_target() const { return "unix:" + root_ + "/control.sock"; }
  std::string control_socket() const { return root_ + "/control.sock"; }
  std::string state_dir() const { return root_ + "/state"; }
  // Engine ior's per-job files: beside the agent socket.
  std::string mpi_work_dir() const { return root_ + "/mpi"; }
  std::string log() const;

  fta::v1::FtaService::Stub& ftas() { return *ftas_; }
  // AllocateFtas of `count` FTAs of `kind` (UNSPECIFIED: the backend's).
  grpc::Status Allocate(int count, fta::v1::AllocateFtasResponse* response,
                        fta::v1::FtaKind kind = fta::v1::FTA_KIND_UNSPECIFIED, int deadline_s = 120);
  // ftactl --host <this daemon> args...
  CommandResult Ftactl(std::vector<std::string> args) const;
  // ftactl -o json args..., expected to succeed; its output parsed
  // (discarded JSON when it does not parse).
  nlohmann::json FtactlJson(std::vector<std::string> args) const;
  // Releases every FTA, best effort (a TearDown's cleanup).
  void ReleaseAll(int deadline_s = 60);
  fta::v1::JobService::Stub& jobs() { return *jobs_; }
  fta::v1::HostService::Stub& host() { return *host_; }

 private:
  std::string root_;
  std::vector<std::string> extra_flags_;
  pid_t pid_ = -1;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<fta::v1::FtaService::Stub> ftas_;
  std::unique_ptr<fta::v1::JobService::Stub> jobs_;
  std::unique_ptr<fta::v1::HostService::Stub> host_;
};

// A context with a generous deadline: a hang fails the test, never a slow run.
std::unique_ptr<grpc::ClientContext> ContextWithDeadline(int seconds = 120);

// Runs a job to its end, returning every event in order.
grpc::Status RunJob(fta::v1::JobService::Stub& jobs, const fta::v1::RunIorRequest& request,
                    std::vector<fta::v1::JobEvent>* events);

// Kills FTA agent processes left over by a failed test (by pid from the store).
void KillAgents(const std::vector<int64_t>& pids);

}  // namespace fta::testing
