// ftactl's one connection to fta-hostd: the channel, the per-call deadline,
// and the two ways a verb ends (print the result as a table or JSON, or print
// the error). Every verb (client/client.cc, client/sweep_client.cc, ...)
// goes through it, so flags like --timeout and -o json mean the same
// everywhere.
//
//   cli::Connection connection(options);
//   grpc::ClientContext context;
//   connection.SetDeadline(context);
//   grpc::Status status = stub->GetHost(&context, request, &host);
//   if (!status.ok()) return connection.Fail(status);
//   return connection.Emit(host, [&] { return cli::RenderHost(host, connection.format()); });
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
