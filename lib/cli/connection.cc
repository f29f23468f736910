#include "lib/cli/connection.h"

#include <iostream>

#include "lib/cli/args.h"
#include "lib/cli/json.h"
#include "lib/core/rpc_status.h"

namespace fta::cli {

Connection::Connection(ConnectionOptions options)
    : options_(std::move(options)),
      channel_(grpc::CreateChannel(options_.target, grpc::InsecureChannelCredentials())) {}

void Connection::SetDeadline(grpc::ClientContext& context) const { SetDeadline(context, options_.timeout); }

void Connection::SetDeadline(grpc::ClientContext& context, std::chrono::milliseconds timeout) const {
  context.set_deadline(std::chrono::system_clock::now() + timeout);
}

int Connection::Emit(const google::protobuf::Message& message, const std::function<std::string()>& table) const {
  if (!options_.json) {
    std::cout << table() << std::flush;
    return kExitOk;
  }
  absl::StatusOr<std::string> json = ToJson(message);
  if (!json.ok()) return Fail(json.status());
  std::cout << *json << std::flush;
  return kExitOk;
}

int Connection::Fail(const grpc::Status& status, const std::string& hint) const {
  std::cerr << FormatError(FromGrpcStatus(status)) << hint << '\n';
  return kExitError;
}

int Connection::Fail(const absl::Status& status) const {
  std::cerr << FormatError(status) << '\n';
  return kExitError;
}

}  // namespace fta::cli
