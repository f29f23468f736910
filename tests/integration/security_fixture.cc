#include "tests/integration/security_fixture.h"

#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>
#include <sstream>

namespace fta::testing {

std::shared_ptr<grpc::Channel> AgentChannel(const std::string& target, const ClientTls& tls) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::InsecureChannelCredentials();
  if (!tls.ca_pem.empty()) {
    grpc::SslCredentialsOptions options;
    options.pem_root_certs = tls.ca_pem;
    options.pem_cert_chain = tls.cert_pem;
    options.pem_private_key = tls.key_pem;
    credentials = grpc::SslCredentials(options);
  }
  return grpc::CreateCustomChannel(target, credentials, args);
}

grpc::Status SayHello(const std::shared_ptr<grpc::Channel>& channel, const fta::agent::v1::AgentHello& hello,
                      int deadline_s) {
  auto stub = fta::agent::v1::AgentGateway::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(deadline_s));
  auto stream = stub->Connect(&context);
  fta::agent::v1::AgentMessage message;
  *message.mutable_hello() = hello;
  stream->Write(message);
  fta::agent::v1::HostMessage answer;
  if (stream->Read(&answer) && answer.has_welcome()) {
    context.TryCancel();
    stream->Finish();
    return grpc::Status::OK;
  }
  return stream->Finish();
}

grpc::Status HelloUntil(const std::string& target, const ClientTls& tls, const fta::agent::v1::AgentHello& hello,
                        grpc::StatusCode code) {
  grpc::Status status;
  for (auto end = std::chrono::steady_clock::now() + std::chrono::seconds(30);
       std::chrono::steady_clock::now() < end;) {
    status = SayHello(AgentChannel(target, tls), hello, 10);
    if (status.error_code() == code) return status;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // a poll interval, not a synchronisation
  }
  return status;
}

fta::agent::v1::AgentHello Hello(const std::string& fta_id, const std::string& token) {
  fta::agent::v1::AgentHello hello;
  hello.set_fta_id(fta_id);
  hello.set_token(token);
  hello.set_hostname("attacker");
  hello.set_agent_version("0.1.0");
  hello.set_pid(getpid());
  return hello;
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

ScopedFileLimit::ScopedFileLimit(long soft) {
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  previous_ = static_cast<long>(limit.rlim_cur);
  limit.rlim_cur = soft < 0 ? limit.rlim_max : static_cast<rlim_t>(soft);
  setrlimit(RLIMIT_NOFILE, &limit);
}

ScopedFileLimit::~ScopedFileLimit() {
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = static_cast<rlim_t>(previous_);
  setrlimit(RLIMIT_NOFILE, &limit);
}

}  // namespace fta::testing
