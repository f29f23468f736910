#include "lib/cli/enum_words.h"

#include <functional>
#include <map>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "lib/report/summary.h"

namespace fta::cli {
namespace {

// Generated names carry the type as prefix ("FTA_STATE_READY"); the word is
// the distinguishing tail in lower case.
std::string LowerTail(const google::protobuf::EnumDescriptor* type, int value, absl::string_view prefix) {
  const google::protobuf::EnumValueDescriptor* found = type->FindValueByNumber(value);
  if (found == nullptr) return absl::StrCat("unknown(", value, ")");
  absl::string_view name = found->name();
  if (absl::StartsWith(name, prefix)) name.remove_prefix(prefix.size());
  return absl::AsciiStrToLower(name);
}

// For enums that replaced free-text fields: explicit words, "" for
// UNSPECIFIED (the empty string the field used to hold).
std::string Lookup(const std::vector<std::pair<int, const char*>>& words, int value) {
  if (value == 0) return "";
  for (const auto& [number, word] : words) {
    if (number == value) return word;
  }
  return absl::StrCat("unknown(", value, ")");
}

template <typename Enum>
absl::StatusOr<Enum> FromWord(const std::string& word, const std::string& flag,
                              const std::vector<std::pair<Enum, const char*>>& words) {
  if (word.empty()) return static_cast<Enum>(0);
  std::vector<std::string> accepted;
  for (const auto& [value, name] : words) {
    if (word == name) return value;
    accepted.push_back(name);
  }
  return absl::InvalidArgumentError(
      absl::StrCat(flag, ": unknown value \"", word, "\" (one of ", absl::StrJoin(accepted, ", "), ")"));
}

const std::vector<std::pair<v1::FtaKind, const char*>>& KindWords() {
  static const auto* words = new std::vector<std::pair<v1::FtaKind, const char*>>{
      {v1::FTA_KIND_PROCESS, "process"}, {v1::FTA_KIND_VM, "vm"}, {v1::FTA_KIND_CONTAINER, "container"}};
  return *words;
}
const std::vector<std::pair<v1::Engine, const char*>>& EngineWords() {
  static const auto* words = new std::vector<std::pair<v1::Engine, const char*>>{
      {v1::ENGINE_BUILTIN, "builtin"}, {v1::ENGINE_IOR, "ior"}, {v1::ENGINE_IOR_IMPORT, "ior-import"},
      {v1::ENGINE_MERGED, "merged"}};
  return *words;
}
const std::vector<std::pair<v1::Backend, const char*>>& BackendWords() {
  static const auto* words = new std::vector<std::pair<v1::Backend, const char*>>{
      {v1::BACKEND_PROCESS, "process"}, {v1::BACKEND_LIBVIRT, "libvirt"}, {v1::BACKEND_LXC, "lxc"}};
  return *words;
}

template <typename Enum>
std::vector<std::pair<int, const char*>> AsInts(const std::vector<std::pair<Enum, const char*>>& words) {
  std::vector<std::pair<int, const char*>> out;
  for (const auto& [value, word] : words) out.emplace_back(static_cast<int>(value), word);
  return out;
}

}  // namespace

std::string FtaStateName(v1::FtaState state) { return LowerTail(v1::FtaState_descriptor(), state, "FTA_STATE_"); }
std::string FtaKindName(v1::FtaKind kind) { return LowerTail(v1::FtaKind_descriptor(), kind, "FTA_KIND_"); }
std::string BackendName(v1::Backend backend) { return Lookup(AsInts(BackendWords()), backend); }
std::string EngineName(v1::Engine engine) { return Lookup(AsInts(EngineWords()), engine); }
std::string JobStateName(v1::JobState state) { return LowerTail(v1::JobState_descriptor(), state, "JOB_STATE_"); }
std::string JobAgentStateName(v1::JobAgentState state) {
  if (state == v1::JOB_AGENT_STATE_UNSPECIFIED) return "";
  return LowerTail(v1::JobAgentState_descriptor(), state, "JOB_AGENT_STATE_");
}
std::string PhaseName(v1::Phase phase) { return LowerTail(v1::Phase_descriptor(), phase, "PHASE_"); }
std::string SweepStateName(v1::SweepState state) {
  return LowerTail(v1::SweepState_descriptor(), state, "SWEEP_STATE_");
}
std::string SweepRunStateName(v1::SweepRunState state) {
  if (state == v1::SWEEP_RUN_STATE_UNSPECIFIED) return "";
  return LowerTail(v1::SweepRunState_descriptor(), state, "SWEEP_RUN_STATE_");
}
std::string SweepTargetName(v1::SweepTarget target) {
  if (target == v1::SWEEP_TARGET_UNSPECIFIED) return "-";
  const std::string word = report::TargetName(target);  // the report's words, one table
  return word == "?" ? absl::StrCat("unknown(", static_cast<int>(target), ")") : word;
}
std::string PortStateName(v1::PortState state) {
  if (state == v1::PORT_STATE_UNSPECIFIED) return "";
  const google::protobuf::EnumValueDescriptor* found = v1::PortState_descriptor()->FindValueByNumber(state);
  if (found == nullptr) return absl::StrCat("unknown(", static_cast<int>(state), ")");
  return found->name().substr(std::string_view("PORT_STATE_").size());  // the kernel's "ACTIVE"
}
std::string PortPhysStateName(v1::PortPhysState state) {
  static const std::vector<std::pair<int, const char*>> kWords = {
      {v1::PORT_PHYS_STATE_SLEEP, "Sleep"},
      {v1::PORT_PHYS_STATE_POLLING, "Polling"},
      {v1::PORT_PHYS_STATE_DISABLED, "Disabled"},
      {v1::PORT_PHYS_STATE_PORT_CONFIGURATION_TRAINING, "PortConfigurationTraining"},
      {v1::PORT_PHYS_STATE_LINK_UP, "LinkUp"},
      {v1::PORT_PHYS_STATE_LINK_ERROR_RECOVERY, "LinkErrorRecovery"},
      {v1::PORT_PHYS_STATE_PHY_TEST, "Phy Test"}};
  return Lookup(kWords, state);
}
std::string GuidStateName(v1::GuidState state) {
  static const std::vector<std::pair<int, const char*>> kWords = {
      {v1::GUID_STATE_ACCEPTED, "accepted"},     {v1::GUID_STATE_PENDING, "pending"},
      {v1::GUID_STATE_UNVERIFIED, "unverified"}, {v1::GUID_STATE_UNSET, "unset"},
      {v1::GUID_STATE_NOT_APPLICABLE, "-"}};
  return Lookup(kWords, state);
}
std::string DeviceFamilyName(v1::DeviceFamily family) {
  static const std::vector<std::pair<int, const char*>> kWords = {
      {v1::DEVICE_FAMILY_MLX5, "mlx5"}, {v1::DEVICE_FAMILY_MLX4, "mlx4"}, {v1::DEVICE_FAMILY_GENERIC, "generic"}};
  return Lookup(kWords, family);
}

std::string EnumWord(const google::protobuf::EnumDescriptor& type, int number) {
  using Word = std::function<std::string(int)>;
  static const auto* kByType = new std::map<const google::protobuf::EnumDescriptor*, Word>{
      {v1::FtaState_descriptor(), [](int v) { return FtaStateName(static_cast<v1::FtaState>(v)); }},
      {v1::FtaKind_descriptor(), [](int v) { return FtaKindName(static_cast<v1::FtaKind>(v)); }},
      {v1::Backend_descriptor(), [](int v) { return BackendName(static_cast<v1::Backend>(v)); }},
      {v1::Engine_descriptor(), [](int v) { return EngineName(static_cast<v1::Engine>(v)); }},
      {v1::JobState_descriptor(), [](int v) { return JobStateName(static_cast<v1::JobState>(v)); }},
      {v1::JobAgentState_descriptor(), [](int v) { return JobAgentStateName(static_cast<v1::JobAgentState>(v)); }},
      {v1::Phase_descriptor(), [](int v) { return PhaseName(static_cast<v1::Phase>(v)); }},
      {v1::SweepState_descriptor(), [](int v) { return SweepStateName(static_cast<v1::SweepState>(v)); }},
      {v1::SweepRunState_descriptor(), [](int v) { return SweepRunStateName(static_cast<v1::SweepRunState>(v)); }},
      {v1::SweepTarget_descriptor(), [](int v) { return SweepTargetName(static_cast<v1::SweepTarget>(v)); }},
      {v1::PortState_descriptor(), [](int v) { return PortStateName(static_cast<v1::PortState>(v)); }},
      {v1::PortPhysState_descriptor(), [](int v) { return PortPhysStateName(static_cast<v1::PortPhysState>(v)); }},
      {v1::GuidState_descriptor(), [](int v) { return GuidStateName(static_cast<v1::GuidState>(v)); }},
      {v1::DeviceFamily_descriptor(), [](int v) { return DeviceFamilyName(static_cast<v1::DeviceFamily>(v)); }},
  };
  auto it = kByType->find(&type);
  if (it != kByType->end()) return it->second(number);
  const google::protobuf::EnumValueDescriptor* value = type.FindValueByNumber(number);
  return value != nullptr ? value->name() : absl::StrCat("unknown(", number, ")");
}

absl::StatusOr<v1::FtaKind> FtaKindFromName(const std::string& word, const std::string& flag) {
  return FromWord(word, flag, KindWords());
}
absl::StatusOr<v1::Engine> EngineFromName(const std::string& word, const std::string& flag) {
  // ior-import is what imports record, never something to run with.
  return FromWord<v1::Engine>(word, flag, {{v1::ENGINE_BUILTIN, "builtin"}, {v1::ENGINE_IOR, "ior"}});
}
absl::StatusOr<v1::Backend> BackendFromName(const std::string& word, const std::string& flag) {
  return FromWord(word, flag, BackendWords());
}

}  // namespace fta::cli
