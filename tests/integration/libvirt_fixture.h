// Shared by the tests that drive fta-hostd against a private libvirtd
// (`vm` guests, `container` FTAs): the private libvirtd, allocating and
// releasing FTAs, listing domains, planting an orphan, and timing.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "fta/v1/fta.grpc.pb.h"
#include "tests/integration/hostd_harness.h"

struct _virConnect;

namespace fta::testing {

// tests/integration/vm/private-libvirtd.sh start|stop in `dir`: "" when it
// started (*uri: the qemu URI it printed), else what went wrong (with the
// script's output).
std::string StartPrivateLibvirtd(const std::string& dir, std::string* uri);
void StopPrivateLibvirtd(const std::string& dir);

// AllocateFtas of `kind` (UNSPECIFIED: the daemon's default kind), agents
// given `connect_timeout_s`; the call's status in *status.
std::vector<fta::v1::Fta> AllocateFtas(fta::v1::FtaService::Stub& ftas, int count, fta::v1::FtaKind kind,
                                       int connect_timeout_s, grpc::Status* status);
// AllocateFtas of `count` FTAs of `kind` that must all come back READY with
// `backend`; records a failure and returns what came otherwise. Times the
// call and each FTA's start to agent connected (for the bench JSON lines).
struct TimedAllocation {
  std::vector<fta::v1::Fta> ftas;
  double seconds = 0;
  std::vector<double> start_to_connected_seconds;
};
TimedAllocation AllocateReady(fta::v1::FtaService::Stub& ftas, int count, fta::v1::FtaKind kind,
                              fta::v1::Backend backend, int connect_timeout_s);

// ReleaseFtas of `ids`; empty releases all.
grpc::Status ReleaseFtas(fta::v1::FtaService::Stub& ftas, const std::vector<std::string>& ids);

// Names of every domain (running or only defined) on the connection.
std::vector<std::string> DomainNames(_virConnect* connection);

// Defines a copy of FTA `fta_id`'s domain (fta-<id>) as `orphan_id`: our
// metadata, an id the store never had (what a crash between defining a
// domain and recording it would leave). Not started.
::testing::AssertionResult DefineOrphanCopy(_virConnect* connection, const std::string& fta_id,
                                            const std::string& orphan_id);

// After fta-hostd was killed (its FTA `fta_id` left running) and an orphan
// copy of that FTA defined: `start()` restarts the daemon into *hostd, which
// must bring `fta_id` back READY within `timeout_s` by adopting it (its log
// says so). *seconds: from the restart to READY.
::testing::AssertionResult RestartAndReadopt(const std::function<std::unique_ptr<HostdProcess>()>& start,
                                             std::unique_ptr<HostdProcess>* hostd, const std::string& fta_id,
                                             int timeout_s, double* seconds);

// A suite around one private libvirtd that all its tests share (they need
// root): the suite's SetUpTestSuite calls StartLibvirtd, each test's SetUp
// ConnectToLibvirtd; TearDown closes the connection and TearDownTestSuite
// stops the daemon. Each test also has a root dir and a slot for its hostd.
class PrivateLibvirtdTest : public ::testing::Test {
 protected:
  // Starts libvirtd below a temp dir of the suite: uri_ is its qemu URI, or
  // setup_error_ says what went wrong.
  static void StartLibvirtd();
  static void TearDownTestSuite();

  // Opens connection_ to uri_: a fatal failure when the suite's setup failed
  // or the connection cannot be opened (use ASSERT_NO_FATAL_FAILURE).
  void ConnectToLibvirtd();
  void TearDown() override;

  std::vector<std::string> DomainNames() { return fta::testing::DomainNames(connection_); }

  static TempDir* suite_root_;
  static std::string libvirt_dir_;
  static std::string uri_;
  static std::string setup_error_;

  TempDir root_;
  _virConnect* connection_ = nullptr;
  std::unique_ptr<HostdProcess> hostd_;
};

inline double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace fta::testing
