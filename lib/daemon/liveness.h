// Liveness: what fta-hostd checks before it pings the systemd watchdog, so
// a daemon whose listeners or loops are wedged stops being reported alive:
//   * the control listener answers grpc.health.v1.Health/Check over its
//     socket (a new connection: accept works and a server thread runs);
//   * the agent listener completes an HTTP/2 connection (its accept works;
//     a listener that ran out of descriptors does not);
//   * the agent registry's heartbeat loop advanced its tick counter within
//     the last loop_stall_limit (it ticks twice per heartbeat interval);
//   * the store answers (its lock is not held forever).
//
//   Liveness liveness(probe, &clock);
//   if (liveness.Check(absl::Seconds(2)).ok()) sd_notify(0, "WATCHDOG=1");
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <grpcpp/security/credentials.h>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "lib/core/clock.h"

namespace fta::hostd {

struct LivenessProbe {
  std::string control_target;  // "unix:/run/fta-hostd/control.sock"
  std::string agent_target;    // agents.listen as a client dials it
  // Credentials for the agent listener ("" target: not checked). Null:
  // insecure (unix socket or agents.insecure_tcp).
  std::function<std::shared_ptr<grpc::ChannelCredentials>()> agent_credentials;
  // With TLS credentials: the name the server certificate is checked
  // against ("" = the target's host).
  std::string agent_tls_name;
  std::function<uint64_t()> loop_ticks;     // null: not checked
  absl::Duration loop_stall_limit = absl::Seconds(10);
  std::function<absl::Status()> store_ping;  // null: not checked
};

class Liveness {
 public:
  // `clock` is not owned.
  Liveness(LivenessProbe probe, const Clock* clock) : probe_(std::move(probe)), clock_(clock) {}
  // UNAVAILABLE naming the first part that did not answer within `timeout`.
  absl::Status Check(absl::Duration timeout);

 private:
  const LivenessProbe probe_;
  const Clock* const clock_;
  uint64_t last_ticks_ = 0;
  absl::Time last_tick_change_ = absl::InfinitePast();
};

}  // namespace fta::hostd
