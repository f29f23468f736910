// ftactl's calls to the fta-hostd control API: one method per verb, each
// returning the process exit code (lib/cli/args.h) after printing its result
// to stdout and any error as "ftactl: <CODE_NAME>: <message>" to stderr.
//
// Unary calls carry a deadline; the job streams do not, because an IOR run
// lasts as long as the filesystem needs and the daemon enforces the job's own
// deadline. Leaving a stream (Ctrl-C) never stops the job.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "fta/v1/host.grpc.pb.h"
#include "fta/v1/job.grpc.pb.h"
#include "fta/v1/vm.grpc.pb.h"
#include "lib/cli/format.h"

namespace fta::client {

struct ClientOptions {
  std::string target;  // gRPC target from cli::ParseEndpoint
  bool json = false;   // -o json: one JSON document on stdout, no progress
  bool live = false;   // draw live progress on stderr (table output, stderr a tty)
  std::chrono::milliseconds timeout{std::chrono::seconds(30)};
  bool timeout_given = false;  // --timeout on the command line
};

class Client {
 public:
  explicit Client(ClientOptions options);

  int HostShow();
  int VmAllocate(int32_t count, int32_t connect_timeout_s);
  int VmList(bool include_released);
  int VmShow(const std::string& id);
  int VmRelease(const std::vector<std::string>& ids, bool all);
  int IorRun(const v1::RunIorRequest& request);
  int JobList(int32_t limit);
  int JobShow(const std::string& id);
  int JobWatch(const std::string& id);
  int JobCancel(const std::string& id);

  // For verbs that live in their own files (client/sweep_verbs.cc).
  const ClientOptions& options() const { return options_; }
  // results_import_verbs.cc
  int ResultsImport(const std::vector<std::string>& files);
  // vf_verbs.cc
  int VfList();

 private:
  void SetDeadline(grpc::ClientContext& context, std::chrono::milliseconds timeout) const;
  // Prints `message` as JSON or, in table mode, the text `table` renders.
  int Emit(const google::protobuf::Message& message, const std::function<std::string()>& table);
  int Fail(const grpc::Status& status, const std::string& hint = "");
  int FollowJob(grpc::ClientReader<v1::JobEvent>& reader);

  ClientOptions options_;
  cli::FormatOptions format_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::HostService::Stub> hosts_;
  std::unique_ptr<v1::VmService::Stub> vms_;
  std::unique_ptr<v1::JobService::Stub> jobs_;
};

}  // namespace fta::client
