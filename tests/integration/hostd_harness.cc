#include "tests/integration/hostd_harness.h"

#include <cstdlib>
#include <algorithm>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>

#include <gtest/gtest.h>

#include "lib/core/file_text.h"

extern char** environ;

namespace fta::testing {
namespace {

pid_t Spawn(const std::vector<std::string>& args, const std::string& out_path, const std::string& err_path) {
  std::vector<char*> argv;
  std::vector<std::string> copy = args;
  for (std::string& arg : copy) argv.push_back(arg.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  return rc == 0 ? pid : -1;
}

int WaitExit(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

std::string HostdBinary() { return std::string(FTA_BINARY_DIR) + "/daemon/fta-hostd"; }
std::string AgentBinary() { return std::string(FTA_BINARY_DIR) + "/agent/fta-agent"; }
std::string FtactlBinary() { return std::string(FTA_BINARY_DIR) + "/client/ftactl"; }

TempDir::TempDir() {
  std::string pattern = "/tmp/fta-test-XXXXXX";
  char* made = mkdtemp(pattern.data());
  if (made == nullptr) ADD_FAILURE() << "mkdtemp failed";
  path_ = pattern;
}

TempDir::~TempDir() {
  // FTA_KEEP_TEST_DIRS=1 keeps daemon logs and state for a post-mortem.
  if (const char* keep = std::getenv("FTA_KEEP_TEST_DIRS"); keep != nullptr && std::string(keep) == "1") return;
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

int FreeTcpPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  socklen_t length = sizeof(address);
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

CommandResult RunCommand(const std::vector<std::string>& argv) {
  TempDir dir;
  std::string out = dir.path() + "/out", err = dir.path() + "/err";
  CommandResult result;
  pid_t pid = Spawn(argv, out, err);
  if (pid < 0) {
    result.err = "spawn failed";
    return result;
  }
  result.exit_code = WaitExit(pid);
  result.out = ReadFileOrEmpty(out);
  result.err = ReadFileOrEmpty(err);
  return result;
}

HostdProcess::HostdProcess(std::string root, std::vector<std::string> extra_flags)
    : root_(std::move(root)), extra_flags_(std::move(extra_flags)) {}

HostdProcess::~HostdProcess() { Stop(); }

::testing::AssertionResult HostdProcess::Start() {
  std::vector<std::string> args = {HostdBinary(),
                                   "--state-dir", state_dir(),
                                   "--control-socket", control_socket(),
                                   "--agent-binary", AgentBinary(),
                                   "--log-level", "debug"};
  // Guests (vm tests) need a TCP agent endpoint of their own choosing.
  if (std::find(extra_flags_.begin(), extra_flags_.end(), "--agent-listen") == extra_flags_.end()) {
    args.insert(args.end(), {"--agent-listen", "unix:" + root_ + "/agent.sock"});
  }
  // Tests run as root with private 0700 directories: agents stay root
  // unless a test asks for a user (agents.run_as; see run_as tests).
  if (std::find(extra_flags_.begin(), extra_flags_.end(), "--agents-run-as") == extra_flags_.end()) {
    args.insert(args.end(), {"--agents-run-as", "root"});
  }
  args.insert(args.end(), extra_flags_.begin(), extra_flags_.end());
  pid_ = Spawn(args, root_ + "/hostd.log", root_ + "/hostd.log");
  if (pid_ < 0) return ::testing::AssertionFailure() << "cannot spawn " << HostdBinary();
  // A private subchannel pool: a channel to the same path must not inherit
  // the dead connection of a daemon this test killed.
  grpc::ChannelArguments arguments;
  arguments.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  // The daemon starts listening a moment after spawn; retry the connect
  // quickly instead of gRPC's default backoff of seconds.
  arguments.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 50);
  arguments.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 50);
  arguments.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 200);
  channel_ = grpc::CreateCustomChannel(control_target(), grpc::InsecureChannelCredentials(), arguments);
  ftas_ = fta::v1::FtaService::NewStub(channel_);
  jobs_ = fta::v1::JobService::NewStub(channel_);
  host_ = fta::v1::HostService::NewStub(channel_);
  // Ready means this daemon answers a call; one that died instead is
  // reported with its log.
  auto deadline = std::chrono::system_clock::now() + std::chrono::seconds(60);
  while (true) {
    grpc::ClientContext context;
    context.set_wait_for_ready(true);
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(500));
    fta::v1::HostInfo info;
    if (host_->GetHost(&context, fta::v1::GetHostRequest(), &info).ok()) break;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return ::testing::AssertionFailure() << "fta-hostd exited during start:\n" << log();
    }
    if (std::chrono::system_clock::now() > deadline) {
      return ::testing::AssertionFailure() << "fta-hostd did not answer within 60 s:\n" << log();
    }
  }
  return ::testing::AssertionSuccess();
}

int HostdProcess::Stop() {
  if (pid_ < 0) return -1;
  // Drop our connection first: the daemon's shutdown otherwise waits for an
  // idle client connection to go away.
  ftas_.reset();
  jobs_.reset();
  host_.reset();
  channel_.reset();
  kill(pid_, SIGTERM);
  int code = WaitExit(pid_);
  pid_ = -1;
  return code;
}

void HostdProcess::Kill() {
  if (pid_ < 0) return;
  kill(pid_, SIGKILL);
  WaitExit(pid_);
  pid_ = -1;
}

void HostdProcess::Signal(int signal_number) {
  if (pid_ > 0) kill(pid_, signal_number);
}

bool HostdProcess::Running() {
  if (pid_ < 0) return false;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) == pid_) {
    pid_ = -1;
    return false;
  }
  return true;
}

std::string HostdProcess::log() const { return ReadFileOrEmpty(root_ + "/hostd.log"); }

grpc::Status HostdProcess::Allocate(int count, fta::v1::AllocateFtasResponse* response, fta::v1::FtaKind kind,
                                    int deadline_s) {
  fta::v1::AllocateFtasRequest request;
  request.set_count(count);
  request.set_kind(kind);
  auto context = ContextWithDeadline(deadline_s);
  return ftas_->AllocateFtas(context.get(), request, response);
}

CommandResult HostdProcess::Ftactl(std::vector<std::string> args) const {
  args.insert(args.begin(), {FtactlBinary(), "--host", control_target()});
  return RunCommand(args);
}

nlohmann::json HostdProcess::FtactlJson(std::vector<std::string> args) const {
  args.insert(args.begin(), {"-o", "json"});
  CommandResult result = Ftactl(std::move(args));
  EXPECT_EQ(result.exit_code, 0) << result.err;
  return nlohmann::json::parse(result.out, nullptr, /*allow_exceptions=*/false);
}

void HostdProcess::ReleaseAll(int deadline_s) {
  fta::v1::ReleaseFtasRequest release;
  release.set_all(true);
  fta::v1::ReleaseFtasResponse released;
  auto context = ContextWithDeadline(deadline_s);
  (void)ftas_->ReleaseFtas(context.get(), release, &released);
}

std::unique_ptr<grpc::ClientContext> ContextWithDeadline(int seconds) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(seconds));
  return context;
}

grpc::Status RunJob(fta::v1::JobService::Stub& jobs, const fta::v1::RunIorRequest& request,
                    std::vector<fta::v1::JobEvent>* events) {
  auto context = ContextWithDeadline(300);
  auto reader = jobs.RunIor(context.get(), request);
  fta::v1::JobEvent event;
  while (reader->Read(&event)) events->push_back(event);
  return reader->Finish();
}

void KillAgents(const std::vector<int64_t>& pids) {
  for (int64_t pid : pids) {
    if (pid > 0) kill(static_cast<pid_t>(pid), SIGKILL);
  }
}

}  // namespace fta::testing
