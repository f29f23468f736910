// ftactl's sweep, results and report verbs: calls to SweepService, output
// through lib/cli (tables, CSV, JSON) and lib/report (SVG, HTML). Each
// method returns the process exit code, like Client's.
#pragma once

#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "client/client.h"
#include "fta/v1/sweep.grpc.pb.h"

namespace fta::client {

class SweepClient {
 public:
  explicit SweepClient(const ClientOptions& options);

  int Start(const v1::SweepSpec& spec);
  int Watch(const std::string& id);
  int Resume(const std::string& id);
  int Cancel(const std::string& id);
  int ResultsList(int32_t limit);
  int ResultsShow(const std::string& id);
  // format: "csv" | "json"; to stdout, or to `out_file` when not empty.
  int ResultsExport(const std::string& id, const std::string& format, const std::string& out_file);
  int ResultsCompare(const std::string& a, const std::string& b);
  int Report(const std::string& id, const std::string& out_dir);

 private:
  int Follow(grpc::ClientReader<v1::SweepEvent>& reader);
  grpc::Status Fetch(const std::string& id, v1::Sweep* sweep);
  int Fail(const grpc::Status& status, const std::string& hint = "");
  int EmitJson(const google::protobuf::Message& message);

  ClientOptions options_;
  cli::FormatOptions format_;
  std::unique_ptr<v1::SweepService::Stub> sweeps_;
};

}  // namespace fta::client
