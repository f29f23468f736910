// ftactl's one connection to fta-hostd: the channel, the per-call deadline,
// and the two ways a verb ends (print the result as a table or JSON, or print
// the error). Every verb (client/client.cc, client/sweep_client.cc, ...)
// goes through it, so flags like --timeout and -o json mean the same
// everywhere.
//
//   cli::Connection connection(options);
//   return connection.Show(*stub, &v1::HostService::Stub::GetHost, v1::GetHostRequest(),
//                          [&](const v1::HostInfo& host) { return cli::RenderHost(host, connection.format()); });
//
// or, when the verb does more than print the response:
//   grpc::Status status = connection.Call(*stub, &v1::SweepService::Stub::GetSweep, request, &sweep);
//   if (!status.ok()) return connection.Fail(status);
//
// Unary calls carry a deadline; streams of running jobs and sweeps do not,
// because an IOR run lasts as long as the filesystem needs and the daemon
// enforces the job's own deadline.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "absl/status/status.h"
#include "google/protobuf/message.h"
#include "lib/cli/format.h"

namespace fta::cli {

struct ConnectionOptions {
  std::string target;  // gRPC target from cli::ParseEndpoint
  bool json = false;   // -o json: one JSON document on stdout, no progress
  bool live = false;   // draw live progress on stderr (table output, stderr a tty)
  std::chrono::milliseconds timeout{std::chrono::seconds(30)};
  bool timeout_given = false;  // --timeout on the command line
};

class Connection {
 public:
  explicit Connection(ConnectionOptions options);

  const ConnectionOptions& options() const { return options_; }
  const FormatOptions& format() const { return format_; }
  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }

  // Deadline `timeout` from now; the first form uses --timeout.
  void SetDeadline(grpc::ClientContext& context) const;
  void SetDeadline(grpc::ClientContext& context, std::chrono::milliseconds timeout) const;

  // One unary call of `stub` with --timeout as deadline, or `timeout` when
  // it is not zero.
  template <typename Stub, typename Request, typename Response>
  grpc::Status Call(Stub& stub, grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                    const Request& request, Response* response,
                    std::chrono::milliseconds timeout = std::chrono::milliseconds(0)) const {
    grpc::ClientContext context;
    SetDeadline(context, timeout.count() > 0 ? timeout : options_.timeout);
    return (stub.*method)(&context, request, response);
  }

  // Call, then Emit the response with `table(response)` as its text, or Fail.
  template <typename Stub, typename Request, typename Response, typename Table>
  int Show(Stub& stub, grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
           const Request& request, Table table, std::chrono::milliseconds timeout = std::chrono::milliseconds(0)) const {
    Response response;
    grpc::Status status = Call(stub, method, request, &response, timeout);
    if (!status.ok()) return Fail(status);
    return Emit(response, [&] { return table(response); });
  }

  // Prints `message` as JSON (-o json) or the text `table` renders; returns
  // the exit code (kExitError when the JSON cannot be made).
  int Emit(const google::protobuf::Message& message, const std::function<std::string()>& table) const;
  // Prints "ftactl: <CODE>: <message><hint>" on stderr; returns kExitError.
  int Fail(const grpc::Status& status, const std::string& hint = "") const;
  int Fail(const absl::Status& status) const;

 private:
  ConnectionOptions options_;
  FormatOptions format_;
  std::shared_ptr<grpc::Channel> channel_;
};

}  // namespace fta::cli
