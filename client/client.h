// ftactl's calls to the fta-hostd control API: one method per verb, each
// returning the process exit code (lib/cli/args.h) after printing its result
// to stdout and any error as "ftactl: <CODE_NAME>: <message>" to stderr.
// Channel, deadlines and output go through one cli::Connection, shared with
// SweepClient. Leaving a stream (Ctrl-C) never stops the job.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "fta/v1/fta.grpc.pb.h"
#include "fta/v1/host.grpc.pb.h"
#include "fta/v1/job.grpc.pb.h"
#include "lib/cli/connection.h"

namespace fta::client {

class Client {
 public:
  explicit Client(cli::ConnectionOptions options);

  int HostShow();
  int FtaAllocate(int32_t count, int32_t connect_timeout_s, v1::FtaKind kind);
  int FtaList(bool include_released);
  int FtaShow(const std::string& id);
  int FtaRelease(const std::vector<std::string>& ids, bool all);
  int IorRun(const v1::RunIorRequest& request);
  int JobList(int32_t limit);
  int JobShow(const std::string& id);
  int JobWatch(const std::string& id);
  int JobCancel(const std::string& id);
  // import_verbs.cc
  int JobImport(const std::vector<std::string>& files);
  // vf_verbs.cc
  int VfList();

  // For verbs that live in their own files (client/sweep_verbs.cc).
  const cli::Connection& connection() const { return connection_; }

 private:
  int FollowJob(grpc::ClientReader<v1::JobEvent>& reader);

  cli::Connection connection_;
  std::unique_ptr<v1::HostService::Stub> hosts_;
  std::unique_ptr<v1::FtaService::Stub> ftas_;
  std::unique_ptr<v1::JobService::Stub> jobs_;
};

}  // namespace fta::client
