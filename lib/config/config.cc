#include "lib/config/config.h"

#include <functional>
#include <map>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "lib/core/file_text.h"
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

Key BoolKey(bool HostdConfig::*field) {
  return Key{
      [field](const toml::value& value, HostdConfig* config, const std::string& where) {
        if (!value.is_boolean()) return TypeError(where, "true or false");
        config->*field = value.as_boolean();
        return absl::OkStatus();
      },
      [field](const HostdConfig& config) { return std::string(config.*field ? "true" : "false"); }};
}

Key StringListKey(std::vector<std::string> HostdConfig::*field) {
  return Key{
      [field](const toml::value& value, HostdConfig* config, const std::string& where) {
        if (!value.is_array()) return TypeError(where, "an array of strings");
        std::vector<std::string> items;
        for (const toml::value& item : value.as_array()) {
          if (!item.is_string()) return TypeError(where, "an array of strings");
          items.push_back(item.as_string().str);
        }
        config->*field = std::move(items);
        return absl::OkStatus();
      },
      [field](const HostdConfig& config) {
        // One line, like the config file (toml11 would spread it over lines).
        std::vector<std::string> quoted;
        for (const std::string& item : config.*field) {
          std::ostringstream out;
          out << toml::value(item);
          quoted.push_back(out.str());
        }
        return absl::StrCat("[", absl::StrJoin(quoted, ", "), "]");
      }};
}

const std::map<std::string, std::map<std::string, Key>>& Schema() {
  static const auto* schema = new std::map<std::string, std::map<std::string, Key>>{
      {"daemon",
       {{"control_socket", StringKey(&HostdConfig::control_socket)},
        {"control_socket_group", StringKey(&HostdConfig::control_socket_group)},
        {"state_dir", StringKey(&HostdConfig::state_dir)},
        {"log_level", StringKey(&HostdConfig::log_level)},
        {"shutdown_grace_s", IntKey(&HostdConfig::shutdown_grace_s)}}},
      {"agents",
       {{"listen", StringKey(&HostdConfig::agent_listen)},
        {"insecure_tcp", BoolKey(&HostdConfig::agent_insecure_tcp)},
        {"tls_names", StringListKey(&HostdConfig::agent_tls_names)},
        {"crl_dir", StringKey(&HostdConfig::agent_crl_dir)},
        {"tls_refresh_s", IntKey(&HostdConfig::agent_tls_refresh_s)},
        {"hello_timeout_s", IntKey(&HostdConfig::agent_hello_timeout_s)},
        {"max_connections", IntKey(&HostdConfig::agent_max_connections)},
        {"heartbeat_interval_ms", IntKey(&HostdConfig::heartbeat_interval_ms)},
        {"heartbeat_timeout_ms", IntKey(&HostdConfig::heartbeat_timeout_ms)},
        {"connect_timeout_s", IntKey(&HostdConfig::connect_timeout_s)},
        {"agent_binary", StringKey(&HostdConfig::agent_binary)},
        {"run_as", StringKey(&HostdConfig::agent_run_as)},
        {"log_max_mib", IntKey(&HostdConfig::agent_log_max_mib)},
        {"log_keep", IntKey(&HostdConfig::agent_log_keep)}}},
      {"provisioner",
       {{"backend", StringKey(&HostdConfig::backend)},
        {"max_ftas", IntKey(&HostdConfig::max_ftas)},
        {"stop_grace_s", IntKey(&HostdConfig::stop_grace_s)},
        {"reconcile_interval_s", IntKey(&HostdConfig::reconcile_interval_s)}}},
      {"jobs",
       {{"ready_timeout_s", IntKey(&HostdConfig::ready_timeout_s)},
        {"deadline_s", IntKey(&HostdConfig::job_deadline_s)},
        {"sample_interval_ms", IntKey(&HostdConfig::sample_interval_ms)},
        {"sample_batch_ms", IntKey(&HostdConfig::sample_batch_ms)},
        {"sample_messages_per_s", IntKey(&HostdConfig::sample_messages_per_s)},
        {"retention_days", IntKey(&HostdConfig::retention_days)}}},
      {"metrics", {{"listen", StringKey(&HostdConfig::metrics_listen)}}},
      {"sriov",
       {{"sysfs_root", StringKey(&HostdConfig::sysfs_root)},
        {"pfs", StringListKey(&HostdConfig::sriov_pfs)},
        {"num_vfs", IntKey(&HostdConfig::sriov_num_vfs)},
        {"guid_prefix", StringKey(&HostdConfig::sriov_guid_prefix)},
        {"pkeys", StringListKey(&HostdConfig::sriov_pkeys)}}},
      {"libvirt", {{"uri", StringKey(&HostdConfig::libvirt_uri)}}},
      {"guest",
       {{"vcpus", IntKey(&HostdConfig::guest_vcpus)},
        {"memory_mib", IntKey(&HostdConfig::guest_memory_mib)},
        {"disk_gib", IntKey(&HostdConfig::guest_disk_gib)},
        {"base_image", StringKey(&HostdConfig::guest_base_image)},
        {"base_image_format", StringKey(&HostdConfig::guest_base_image_format)},
        {"kernel", StringKey(&HostdConfig::guest_kernel)},
        {"initrd", StringKey(&HostdConfig::guest_initrd)},
        {"cmdline", StringKey(&HostdConfig::guest_cmdline)},
        {"domain_type", StringKey(&HostdConfig::guest_domain_type)},
        {"network", StringKey(&HostdConfig::guest_network)},
        {"agent_endpoint", StringKey(&HostdConfig::guest_agent_endpoint)},
        {"image_dir", StringKey(&HostdConfig::guest_image_dir)},
        {"reserve_cores", IntKey(&HostdConfig::guest_reserve_cores)},
        {"reserve_memory_gib", IntKey(&HostdConfig::guest_reserve_memory_gib)}}},
      {"container",
       {{"uri", StringKey(&HostdConfig::container_uri)},
        {"memory_mib", IntKey(&HostdConfig::container_memory_mib)},
        {"tmp_mib", IntKey(&HostdConfig::container_tmp_mib)},
        {"bind", StringListKey(&HostdConfig::container_bind)},
        {"netdevs", StringListKey(&HostdConfig::container_netdevs)},
        {"agent_listen", StringKey(&HostdConfig::container_agent_listen)}}},
      {"mpi",
       {{"mpirun", StringKey(&HostdConfig::mpi_mpirun)},
        {"relay", StringKey(&HostdConfig::mpi_relay)},
        {"tcp_interface", StringKey(&HostdConfig::mpi_tcp_interface)}}},
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

absl::Status ValidateGuestConfig(const HostdConfig& config) {
  if (config.guest_domain_type != "auto" && config.guest_domain_type != "kvm" && config.guest_domain_type != "qemu") {
    return absl::InvalidArgumentError(
        absl::StrCat("guest.domain_type: \"", config.guest_domain_type, "\" is not one of auto, kvm, qemu"));
  }
  if (config.backend != "libvirt") return absl::OkStatus();
  if (config.guest_kernel.empty() == config.guest_base_image.empty()) {
    return absl::InvalidArgumentError(
        "guest.base_image / guest.kernel: the libvirt backend needs exactly one (an image, or a kernel for direct boot)");
  }
  if (!config.guest_kernel.empty() && config.guest_initrd.empty()) {
    return absl::InvalidArgumentError("guest.initrd: required with guest.kernel");
  }
  if (config.agent_listen.rfind("unix:", 0) == 0) {
    return absl::InvalidArgumentError(absl::StrCat("agents.listen: \"", config.agent_listen,
                                                   "\" is a unix socket; libvirt guests reach hostd over TCP: use HOST:PORT"));
  }
  return absl::OkStatus();
}

absl::Status ValidateContainerConfig(const HostdConfig& config) {
  if (!ContainersEnabled(config)) return absl::OkStatus();
  std::string endpoint = ContainerAgentEndpoint(config);
  if (endpoint.rfind("unix:", 0) != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        config.container_agent_listen.empty() ? "agents.listen" : "container.agent_listen", ": \"", endpoint,
        "\" is not a unix socket; container FTAs have their own network namespace and dial hostd at unix:PATH"
        " (set container.agent_listen beside a TCP agents.listen)"));
  }
  for (const std::string& dir : config.container_bind) {
    if (dir.empty() || dir[0] != '/') {
      return absl::InvalidArgumentError(absl::StrCat("container.bind: \"", dir, "\" is not an absolute path"));
    }
  }
  return absl::OkStatus();
}

// TOML must be UTF-8. Checking it here also keeps malformed bytes away from
// toml11 3.7, which reads past the end of its buffer on some invalid
// sequences inside literal strings (found by fuzz_config).
absl::Status CheckUtf8(const std::string& text, const std::string& origin) {
  int line = 1;
  for (size_t i = 0; i < text.size();) {
    unsigned char lead = static_cast<unsigned char>(text[i]);
    size_t length = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : (lead >> 3) == 0x1E ? 4 : 0;
    bool valid = length > 0 && i + length <= text.size();
    for (size_t k = 1; valid && k < length; ++k) {
      valid = (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80;
    }
    // Overlong forms and surrogates are invalid too.
    if (valid && length == 2) valid = lead >= 0xC2;
    if (valid && length == 3) {
      unsigned char second = static_cast<unsigned char>(text[i + 1]);
      valid = !(lead == 0xE0 && second < 0xA0) && !(lead == 0xED && second >= 0xA0);
    }
    if (valid && length == 4) {
      unsigned char second = static_cast<unsigned char>(text[i + 1]);
      valid = lead <= 0xF4 && !(lead == 0xF0 && second < 0x90) && !(lead == 0xF4 && second >= 0x90);
    }
    if (!valid) {
      return absl::InvalidArgumentError(absl::StrCat(origin, ": line ", line,
                                                     ": not valid UTF-8 (TOML files must be UTF-8)"));
    }
    if (lead == '\n') ++line;
    i += length;
  }
  return absl::OkStatus();
}

}  // namespace

HostdConfig DefaultConfig() { return HostdConfig{}; }

absl::Status MergeTomlText(const std::string& text, const std::string& origin, HostdConfig* config) {
  absl::Status utf8 = CheckUtf8(text, origin);
  if (!utf8.ok()) return utf8;
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

bool ContainersEnabled(const HostdConfig& config) { return config.backend == "lxc" || !config.container_uri.empty(); }

std::string ContainerUri(const HostdConfig& config) {
  return config.container_uri.empty() ? "lxc:///system" : config.container_uri;
}

std::string ContainerAgentEndpoint(const HostdConfig& config) {
  return config.container_agent_listen.empty() ? config.agent_listen : config.container_agent_listen;
}

absl::Status MergeTomlFile(const std::string& path, HostdConfig* config) {
  absl::StatusOr<std::string> text = ReadFileText(path);
  if (!text.ok()) return absl::NotFoundError(absl::StrCat("config file ", path, " cannot be read"));
  return MergeTomlText(*text, path, config);
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
  if (config.backend != "process" && config.backend != "libvirt" && config.backend != "lxc") {
    return absl::InvalidArgumentError(
        absl::StrCat("provisioner.backend: \"", config.backend, "\" is not one of process, libvirt, lxc"));
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
      {"agents.tls_refresh_s", config.agent_tls_refresh_s, 1, 86400},
      {"agents.hello_timeout_s", config.agent_hello_timeout_s, 1, 3600},
      {"agents.max_connections", config.agent_max_connections, 1, 1000000},
      {"provisioner.max_ftas", config.max_ftas, 1, 1024},
      {"provisioner.stop_grace_s", config.stop_grace_s, 0, 3600},
      {"provisioner.reconcile_interval_s", config.reconcile_interval_s, 0, 86400},
      {"jobs.ready_timeout_s", config.ready_timeout_s, 1, 3600},
      {"jobs.deadline_s", config.job_deadline_s, 1, 30 * 86400},
      {"jobs.sample_interval_ms", config.sample_interval_ms, 10, 60000},
      {"jobs.sample_batch_ms", config.sample_batch_ms, 0, 10000},
      {"jobs.sample_messages_per_s", config.sample_messages_per_s, 0, 1000000},
      {"jobs.retention_days", config.retention_days, 0, 36500},
      {"agents.log_max_mib", config.agent_log_max_mib, 1, 1024 * 1024},
      {"agents.log_keep", config.agent_log_keep, 1, 100},
      {"sriov.num_vfs", config.sriov_num_vfs, 0, 4096},
      {"guest.vcpus", config.guest_vcpus, 1, 256},
      {"guest.memory_mib", config.guest_memory_mib, 16, 4 * 1024 * 1024},
      {"guest.disk_gib", config.guest_disk_gib, 1, 65536},
      {"guest.reserve_cores", config.guest_reserve_cores, 0, 4096},
      {"guest.reserve_memory_gib", config.guest_reserve_memory_gib, 0, 65536},
      {"container.memory_mib", config.container_memory_mib, 16, 4 * 1024 * 1024},
      {"container.tmp_mib", config.container_tmp_mib, 1, 1024 * 1024},
  };
  for (const Range& range : ranges) {
    absl::Status status = CheckRange(range.key, range.value, range.min, range.max);
    if (!status.ok()) return status;
  }
  if (absl::Status guest = ValidateGuestConfig(config); !guest.ok()) return guest;
  if (absl::Status container = ValidateContainerConfig(config); !container.ok()) return container;
  if (!config.metrics_listen.empty() && config.metrics_listen.find(':') == std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("metrics.listen: \"", config.metrics_listen, "\" is not HOST:PORT (\"127.0.0.1:9464\")"));
  }
  if (config.sriov_num_vfs > 0 && config.sriov_pfs.empty()) {
    return absl::InvalidArgumentError("sriov.num_vfs: set sriov.pfs too (which PFs get that many VFs)");
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
