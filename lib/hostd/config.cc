#include "lib/hostd/config.h"

#include <fstream>
#include <functional>
#include <map>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "toml.hpp"

namespace fta::hostd {
namespace {

// One table of setters keyed by "section.key" keeps the TOML schema, the
// error messages and ToToml in one place.
struct Key {
  std::function<absl::Status(const toml::value&, HostdConfig*, const std::string& where)> set;
  std::function<std::string(const HostdConfig&)> print;
};

absl::Status TypeError(const std::string& where, const char* expected) {
  return absl::InvalidArgumentError(absl::StrCat(where, ": expected ", expected));
}

Key StringKey(std::string HostdConfig::*field) {
  return Key{
      [field](const toml::value& value, HostdConfig* config, const std::string& where) {
        if (!value.is_string()) return TypeError(where, "a string");
        config->*field = value.as_string().str;
        return absl::OkStatus();
      },
      [field](const HostdConfig& config) {
        std::ostringstream out;
        out << toml::value(config.*field);
        return out.str();
      }};
}

Key IntKey(int HostdConfig::*field) {
  return Key{
      [field](const toml::value& value, HostdConfig* config, const std::string& where) {
        if (!value.is_integer()) return TypeError(where, "an integer");
        config->*field = static_cast<int>(value.as_integer());
        return absl::OkStatus();
      },
      [field](const HostdConfig& config) { return absl::StrCat(config.*field); }};
}

const std::map<std::string, std::map<std::string, Key>>& Schema() {
  static const auto* schema = new std::map<std::string, std::map<std::string, Key>>{
      {"daemon",
       {{"control_socket", StringKey(&HostdConfig::control_socket)},
        {"state_dir", StringKey(&HostdConfig::state_dir)},
        {"log_level", StringKey(&HostdConfig::log_level)},
        {"shutdown_grace_s", IntKey(&HostdConfig::shutdown_grace_s)}}},
      {"agents",
       {{"listen", StringKey(&HostdConfig::agent_listen)},
        {"token_file", StringKey(&HostdConfig::token_file)},
        {"heartbeat_interval_ms", IntKey(&HostdConfig::heartbeat_interval_ms)},
        {"heartbeat_timeout_ms", IntKey(&HostdConfig::heartbeat_timeout_ms)},
        {"connect_timeout_s", IntKey(&HostdConfig::connect_timeout_s)},
        {"agent_binary", StringKey(&HostdConfig::agent_binary)}}},
      {"provisioner",
       {{"backend", StringKey(&HostdConfig::backend)},
        {"max_ftas", IntKey(&HostdConfig::max_ftas)},
        {"stop_grace_s", IntKey(&HostdConfig::stop_grace_s)}}},
      {"jobs",
       {{"ready_timeout_s", IntKey(&HostdConfig::ready_timeout_s)},
        {"deadline_s", IntKey(&HostdConfig::job_deadline_s)},
        {"sample_interval_ms", IntKey(&HostdConfig::sample_interval_ms)}}},
      {"sriov", {{"sysfs_root", StringKey(&HostdConfig::sysfs_root)}}},
      {"libvirt", {{"uri", StringKey(&HostdConfig::libvirt_uri)}}},
  };
  return *schema;
}

absl::Status CheckRange(const char* key, int value, int min, int max) {
  if (value < min || value > max) {
    return absl::InvalidArgumentError(
        absl::StrCat(key, ": ", value, " is out of range [", min, ", ", max, "]"));
  }
  return absl::OkStatus();
}

}  // namespace

HostdConfig DefaultConfig() { return HostdConfig{}; }

absl::Status MergeTomlText(const std::string& text, const std::string& origin, HostdConfig* config) {
  toml::value root;
  try {
    std::istringstream in(text);
    root = toml::parse(in, origin);
  } catch (const std::exception& error) {
    // toml11 reports syntax errors as exceptions; they stop here.
    return absl::InvalidArgumentError(absl::StrCat(origin, ": ", error.what()));
  }
  if (!root.is_table()) return absl::InvalidArgumentError(absl::StrCat(origin, ": not a TOML table"));
  for (const auto& [section, body] : root.as_table()) {
    auto known_section = Schema().find(section);
    if (known_section == Schema().end()) {
      return absl::InvalidArgumentError(absl::StrCat(origin, ": unknown section [", section, "]"));
    }
    if (!body.is_table()) {
      return absl::InvalidArgumentError(absl::StrCat(origin, ": ", section, " must be a table"));
    }
    for (const auto& [key, value] : body.as_table()) {
      auto known_key = known_section->second.find(key);
      std::string where = absl::StrCat(origin, ": ", section, ".", key);
      if (known_key == known_section->second.end()) {
        return absl::InvalidArgumentError(absl::StrCat(where, ": unknown key"));
      }
      absl::Status status = known_key->second.set(value, config, where);
      if (!status.ok()) return status;
    }
  }
  return absl::OkStatus();
}

absl::Status MergeTomlFile(const std::string& path, HostdConfig* config) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("config file ", path, " cannot be read"));
  std::stringstream buffer;
  buffer << in.rdbuf();
  return MergeTomlText(buffer.str(), path, config);
}

absl::Status ValidateConfig(const HostdConfig& config) {
  if (config.control_socket.empty()) {
    return absl::InvalidArgumentError("daemon.control_socket: must not be empty");
  }
  if (config.state_dir.empty()) return absl::InvalidArgumentError("daemon.state_dir: must not be empty");
  if (config.agent_listen.empty()) return absl::InvalidArgumentError("agents.listen: must not be empty");
  static const char* kLevels[] = {"trace", "debug", "info", "warn", "error", "critical", "off"};
  bool level_ok = false;
  for (const char* level : kLevels) level_ok |= config.log_level == level;
  if (!level_ok) {
    return absl::InvalidArgumentError(absl::StrCat(
        "daemon.log_level: \"", config.log_level, "\" is not one of trace, debug, info, warn, error, critical, off"));
  }
  if (config.backend != "process" && config.backend != "libvirt") {
    return absl::InvalidArgumentError(
        absl::StrCat("provisioner.backend: \"", config.backend, "\" is not one of process, libvirt"));
  }
  struct Range {
    const char* key;
    int value, min, max;
  };
  const Range ranges[] = {
      {"daemon.shutdown_grace_s", config.shutdown_grace_s, 0, 3600},
      {"agents.heartbeat_interval_ms", config.heartbeat_interval_ms, 50, 60000},
      {"agents.heartbeat_timeout_ms", config.heartbeat_timeout_ms, 100, 600000},
      {"agents.connect_timeout_s", config.connect_timeout_s, 1, 3600},
      {"provisioner.max_ftas", config.max_ftas, 1, 1024},
      {"provisioner.stop_grace_s", config.stop_grace_s, 0, 3600},
      {"jobs.ready_timeout_s", config.ready_timeout_s, 1, 3600},
      {"jobs.deadline_s", config.job_deadline_s, 1, 30 * 86400},
      {"jobs.sample_interval_ms", config.sample_interval_ms, 10, 60000},
  };
  for (const Range& range : ranges) {
    absl::Status status = CheckRange(range.key, range.value, range.min, range.max);
    if (!status.ok()) return status;
  }
  if (config.heartbeat_timeout_ms <= config.heartbeat_interval_ms) {
    return absl::InvalidArgumentError(absl::StrCat(
        "agents.heartbeat_timeout_ms: ", config.heartbeat_timeout_ms,
        " must be larger than agents.heartbeat_interval_ms (", config.heartbeat_interval_ms, ")"));
  }
  return absl::OkStatus();
}

std::string ToToml(const HostdConfig& config) {
  std::string out;
  for (const auto& [section, keys] : Schema()) {
    absl::StrAppend(&out, "[", section, "]\n");
    for (const auto& [key, accessor] : keys) {
      absl::StrAppend(&out, key, " = ", accessor.print(config), "\n");
    }
    absl::StrAppend(&out, "\n");
  }
  return out;
}

}  // namespace fta::hostd
