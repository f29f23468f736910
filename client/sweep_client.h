// ftactl's sweep and report verbs (and their `results` aliases): calls to
// SweepService over the shared cli::Connection, output through lib/cli
// (tables, CSV, JSON) and lib/report (SVG, HTML). Each method returns the
// process exit code, like Client's.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "fta/v1/sweep.grpc.pb.h"
#include "lib/cli/connection.h"

namespace fta::client {

class SweepClient {
 public:
  // `connection` (not owned) must outlive this.
  explicit SweepClient(const cli::Connection& connection);

  int Start(const v1::SweepSpec& spec);
  int Watch(const std::string& id);
  int Resume(const std::string& id);
  int Cancel(const std::string& id);
  int List(int32_t limit);
  int Show(const std::string& id);
  // format: "csv" | "json"; to stdout, or to `out_file` when not empty.
  int Export(const std::string& id, const std::string& format, const std::string& out_file);
  int Compare(const std::string& a, const std::string& b);
  // Several ids: Fig. 1/2 with one line per sweep's FTA kind.
  int Report(const std::vector<std::string>& ids, const std::string& out_dir);

 private:
  int Follow(grpc::ClientReader<v1::SweepEvent>& reader);
  // Opens the stream `open` and follows it.
  template <typename Request>
  int Follow(std::unique_ptr<grpc::ClientReader<v1::SweepEvent>> (v1::SweepService::Stub::*open)(
                 grpc::ClientContext*, const Request&),
             const Request& request);
  grpc::Status Fetch(const std::string& id, v1::Sweep* sweep);

  const cli::Connection& connection_;
  std::unique_ptr<v1::SweepService::Stub> sweeps_;
};

}  // namespace fta::client
