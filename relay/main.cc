// fta-mpi-relay: OpenMPI's launcher agent for engine-ior jobs (mpirun
// --mca plm_rsh_agent fta-mpi-relay). OpenMPI calls it as it would call ssh:
//
//   fta-mpi-relay <FTA id> <orted command words...>
//
// and it asks fta-hostd (MpiRelay.Exec on the control socket) to have that
// FTA's agent run the command, copying the command's stdout and stderr to
// its own and exiting with its exit status; so no ssh is needed in guests.
// fta-hostd puts what it needs in the mpirun's environment, which OpenMPI
// passes on: FTA_MPI_RELAY_TARGET (the control socket, "unix:PATH"),
// FTA_MPI_RELAY_JOB and FTA_MPI_RELAY_TOKEN (the job's secret).
// SIGTERM, SIGINT or SIGHUP (mpirun stopping) cancel the call, which kills
// the command on the agent. Exit status: the command's; 255 when the relay
// itself fails (the reason on stderr, for mpirun to show); 2 on usage errors.
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>

#include <grpcpp/grpcpp.h>

#include "fta/agent/v1/relay.grpc.pb.h"

namespace {

constexpr int kRelayFailed = 255;

void WriteAll(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = write(fd, data.data() + done, data.size() - done);
    if (n <= 0) return;  // the reader is gone; nothing better to do
    done += static_cast<size_t>(n);
  }
}

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: fta-mpi-relay FTA_ID COMMAND... (started by mpirun for fta-hostd)\n";
    return 2;
  }
  const std::string target = Env("FTA_MPI_RELAY_TARGET");
  fta::agent::v1::RelayExecRequest request;
  request.set_job_id(Env("FTA_MPI_RELAY_JOB"));
  request.set_token(Env("FTA_MPI_RELAY_TOKEN"));
  request.set_fta_id(argv[1]);
  for (int i = 2; i < argc; ++i) request.add_argv(argv[i]);
  if (target.empty() || request.job_id().empty() || request.token().empty()) {
    std::cerr << "fta-mpi-relay: FTA_MPI_RELAY_TARGET, FTA_MPI_RELAY_JOB and FTA_MPI_RELAY_TOKEN must be set "
                 "(fta-hostd sets them for the mpirun it starts)\n";
    return 2;
  }

  sigset_t stop;
  sigemptyset(&stop);
  for (int sig : {SIGTERM, SIGINT, SIGHUP}) sigaddset(&stop, sig);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);
  grpc::ClientContext context;
  std::thread([&stop, &context] {
    int sig = 0;
    sigwait(&stop, &sig);
    context.TryCancel();
  }).detach();

  auto stub = fta::agent::v1::MpiRelay::NewStub(grpc::CreateChannel(target, grpc::InsecureChannelCredentials()));
  std::unique_ptr<grpc::ClientReader<fta::agent::v1::RelayExecEvent>> reader = stub->Exec(&context, request);
  fta::agent::v1::RelayExecEvent event;
  int exit_code = -1;
  while (reader->Read(&event)) {
    if (!event.stdout_data().empty()) WriteAll(STDOUT_FILENO, event.stdout_data());
    if (!event.stderr_data().empty()) WriteAll(STDERR_FILENO, event.stderr_data());
    if (event.exited()) exit_code = event.exit_code();
  }
  grpc::Status status = reader->Finish();
  if (!status.ok() || exit_code < 0) {
    std::cerr << "fta-mpi-relay: " << request.fta_id() << ": "
              << (status.ok() ? "the command's end was not reported" : status.error_message()) << "\n";
    std::_Exit(kRelayFailed);
  }
  std::_Exit(exit_code);
}
