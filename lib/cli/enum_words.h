// The words ftactl prints for the API's enums, in tables and in `-o json`
// alike, so a script that greps a table and one that reads JSON see the same
// "ready", "completed", "process". One helper per enum; the words are the
// ones ftactl printed before the API turned these fields into enums (port
// states stay in the kernel's spelling, "ACTIVE", "LinkUp").
//
//   std::cout << cli::FtaKindName(fta.kind());        // "vm"
//   absl::StatusOr<v1::FtaKind> kind = cli::FtaKindFromName("container");
//
// Unknown values (a newer daemon) print as "unknown(N)" instead of an empty
// cell. Values that used to be empty strings (UNSPECIFIED of backend,
// engine, agent and run states, port and GUID states, device family) print
// as "", which tables show as "-".
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "fta/v1/common.pb.h"
#include "fta/v1/job.pb.h"
#include "fta/v1/sweep.pb.h"
#include "fta/v1/vf.pb.h"
#include "google/protobuf/descriptor.h"

namespace fta::cli {

std::string FtaStateName(v1::FtaState state);          // "ready"
std::string FtaKindName(v1::FtaKind kind);             // "process", "vm", "container", "native"
std::string BackendName(v1::Backend backend);          // "process", "libvirt", "lxc"
std::string EngineName(v1::Engine engine);             // "builtin", "ior", "ior-import"
std::string JobStateName(v1::JobState state);          // "completed"
std::string JobAgentStateName(v1::JobAgentState state);  // "ok", "failed", "cancelled", "lost", "running", "timeout"
std::string PhaseName(v1::Phase phase);                // "write"
std::string SweepStateName(v1::SweepState state);      // "interrupted"
std::string SweepRunStateName(v1::SweepRunState state);  // "completed", "failed", "cancelled"
std::string SweepTargetName(v1::SweepTarget target);   // "fta", "native-1", "native-N"
std::string PortStateName(v1::PortState state);        // "ACTIVE"
std::string PortPhysStateName(v1::PortPhysState state);  // "LinkUp"
std::string GuidStateName(v1::GuidState state);        // "accepted", ..., "-" (not applicable)
std::string DeviceFamilyName(v1::DeviceFamily family);  // "mlx5", "mlx4", "generic"

// The word of any enum value of the API, through the helper above for its
// enum type (what -o json prints); enums without a helper: the value's name.
std::string EnumWord(const google::protobuf::EnumDescriptor& type, int number);

// Command-line words back to enums; INVALID_ARGUMENT names `flag` and lists
// the words accepted. "" is UNSPECIFIED (the daemon's choice).
absl::StatusOr<v1::FtaKind> FtaKindFromName(const std::string& word, const std::string& flag);
absl::StatusOr<v1::Engine> EngineFromName(const std::string& word, const std::string& flag);
absl::StatusOr<v1::Backend> BackendFromName(const std::string& word, const std::string& flag);

}  // namespace fta::cli
