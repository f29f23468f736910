#include "lib/config/config.h"

#include <functional>
#include <initializer_list>
#include <string>

#include <gtest/gtest.h>

namespace fta::hostd {
namespace {

std::string MessageOf(const absl::Status& status) { return std::string(status.message()); }

TEST(Config, DefaultsAreValid) {
  HostdConfig config = DefaultConfig();
  EXPECT_TRUE(ValidateConfig(config).ok());
  EXPECT_EQ(config.backend, "process");
  EXPECT_EQ(config.sysfs_root, "/sys");
}

TEST(Config, FileOverridesDefaults) {
  HostdConfig config = DefaultConfig();
  ASSERT_TRUE(MergeTomlText(R"(
[daemon]
control_socket = "/tmp/x/control.sock"
state_dir = "/tmp/x/state"
[agents]
heartbeat_interval_ms = 500
[provisioner]
max_ftas = 11
[jobs]
deadline_s = 600
)", "test.toml", &config).ok());
  EXPECT_EQ(config.control_socket, "/tmp/x/control.sock");
  EXPECT_EQ(config.state_dir, "/tmp/x/state");
  EXPECT_EQ(config.heartbeat_interval_ms, 500);
  EXPECT_EQ(config.max_ftas, 11);
  EXPECT_EQ(config.job_deadline_s, 600);
  EXPECT_EQ(config.agent_listen, DefaultConfig().agent_listen) << "untouched keys keep their default";
}

// Merging `text` (read from `file`) is refused with INVALID_ARGUMENT whose
// message holds every one of `named`.
void ExpectRefusedNaming(const std::string& text, const std::string& file, std::initializer_list<const char*> named) {
  HostdConfig config = DefaultConfig();
  absl::Status status = MergeTomlText(text, file, &config);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  for (const char* part : named) EXPECT_NE(MessageOf(status).find(part), std::string::npos) << status;
}

TEST(Config, UnknownKeyIsNamedWithItsSection) {
  ExpectRefusedNaming("[agents]\nheartbeat_ms = 5\n", "site.toml", {"site.toml", "agents.heartbeat_ms"});
}

TEST(Config, AgentEndpointSecurityKeys) {
  HostdConfig config = DefaultConfig();
  EXPECT_FALSE(config.agent_insecure_tcp);
  absl::Status merged = MergeTomlText(
      "[agents]\ninsecure_tcp = true\ntls_names = [\"fta.example\"]\nhello_timeout_s = 3\nmax_connections = 50\n",
      "site.toml", &config);
  ASSERT_TRUE(merged.ok()) << merged;
  EXPECT_TRUE(config.agent_insecure_tcp);
  EXPECT_EQ(config.agent_tls_names, std::vector<std::string>{"fta.example"});
  EXPECT_EQ(config.agent_hello_timeout_s, 3);
  EXPECT_EQ(config.agent_max_connections, 50);
  EXPECT_NE(ToToml(config).find("insecure_tcp = true"), std::string::npos);
  absl::Status typed = MergeTomlText("[agents]\ninsecure_tcp = 1\n", "site.toml", &config);
  EXPECT_NE(MessageOf(typed).find("agents.insecure_tcp"), std::string::npos) << typed;
  config.agent_hello_timeout_s = 0;
  EXPECT_NE(MessageOf(ValidateConfig(config)).find("agents.hello_timeout_s"), std::string::npos);
  // The one shared token is gone: its key is unknown now.
  EXPECT_FALSE(MergeTomlText("[agents]\ntoken_file = \"/x\"\n", "site.toml", &config).ok());
}

TEST(Config, UnknownSectionIsRefused) {
  ExpectRefusedNaming("[daemons]\nstate_dir = \"/x\"\n", "site.toml", {"[daemons]"});
}

TEST(Config, WrongTypeIsNamed) {
  ExpectRefusedNaming("[provisioner]\nmax_ftas = \"ten\"\n", "site.toml", {"provisioner.max_ftas", "integer"});
}

TEST(Config, SyntaxErrorIsReportedNotThrown) {
  ExpectRefusedNaming("[daemon\nstate_dir = ", "broken.toml", {"broken.toml"});
}

TEST(Config, InvalidUtf8IsRefusedWithItsLine) {
  // The bytes fuzz_config found: invalid UTF-8 inside a literal string key.
  ExpectRefusedNaming("[daemon]\n'[\x96'w{enilEre_v\xff\xff\xff\x18 = 5", "bad.toml", {"bad.toml: line 2", "UTF-8"});
  // Multi-byte text that is valid stays accepted.
  HostdConfig config = DefaultConfig();
  EXPECT_TRUE(MergeTomlText("[daemon]\nstate_dir = \"/srv/fta-\xc3\xa9t\xc3\xa9\"\n", "ok.toml", &config).ok());
  EXPECT_EQ(config.state_dir, "/srv/fta-\xc3\xa9t\xc3\xa9");
}

TEST(Config, MissingFileIsNotFound) {
  HostdConfig config = DefaultConfig();
  EXPECT_EQ(MergeTomlFile("/nonexistent/fta.toml", &config).code(), absl::StatusCode::kNotFound);
}

TEST(Config, OutOfRangeValuesNameTheKey) {
  struct Bad {
    const char* key;
    std::function<void(HostdConfig&)> set;
  };
  for (const Bad& bad : {Bad{"provisioner.max_ftas", [](HostdConfig& c) { c.max_ftas = 0; }},
                         Bad{"provisioner.backend", [](HostdConfig& c) { c.backend = "docker"; }},
                         Bad{"agents.heartbeat_timeout_ms",
                             [](HostdConfig& c) { c.heartbeat_timeout_ms = c.heartbeat_interval_ms; }},
                         Bad{"daemon.log_level", [](HostdConfig& c) { c.log_level = "chatty"; }}}) {
    HostdConfig config = DefaultConfig();
    bad.set(config);
    EXPECT_NE(MessageOf(ValidateConfig(config)).find(bad.key), std::string::npos) << bad.key;
  }
}

TEST(Config, PrintedConfigReadsBackIdentically) {
  HostdConfig config = DefaultConfig();
  config.state_dir = "/srv/fta \"quoted\"";
  config.max_ftas = 7;
  HostdConfig reread = DefaultConfig();
  ASSERT_TRUE(MergeTomlText(ToToml(config), "printed", &reread).ok()) << ToToml(config);
  EXPECT_EQ(reread.state_dir, config.state_dir);
  EXPECT_EQ(reread.max_ftas, 7);
}

// deploy/config/config.toml documents every key with its default; it must
// stay loadable and true.
TEST(Config, ShippedExampleEqualsDefaults) {
  HostdConfig config = DefaultConfig();
  config.max_ftas = 1;  // must be overwritten by the file
  absl::Status status = MergeTomlFile(std::string(FTA_TEST_DATA_DIR) + "/../../deploy/config/config.toml", &config);
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_EQ(ToToml(config), ToToml(DefaultConfig()));
}

// [container]: containers have their own network namespace, so they need a
// unix endpoint; container.agent_listen gives them one beside TCP guests.
TEST(Config, ContainerKeysAndTheirEndpointRule) {
  HostdConfig config = DefaultConfig();
  EXPECT_FALSE(ContainersEnabled(config));
  ASSERT_TRUE(MergeTomlText("[provisioner]\nbackend = \"lxc\"\n[container]\nmemory_mib = 256\nbind = [\"/data\"]\n"
                            "netdevs = [\"veth1\"]\n",
                            "t", &config)
                  .ok());
  EXPECT_TRUE(ContainersEnabled(config));
  EXPECT_EQ(ContainerUri(config), "lxc:///system");
  EXPECT_EQ(config.container_memory_mib, 256);
  EXPECT_EQ(config.container_netdevs, std::vector<std::string>{"veth1"});
  EXPECT_TRUE(ValidateConfig(config).ok()) << ValidateConfig(config);

  config.agent_listen = "127.0.0.1:7070";
  absl::Status tcp = ValidateConfig(config);
  EXPECT_EQ(tcp.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(tcp.message().find("agents.listen"), std::string::npos) << tcp;
  config.container_agent_listen = "unix:/run/fta-hostd/containers.sock";
  EXPECT_TRUE(ValidateConfig(config).ok()) << ValidateConfig(config);
  EXPECT_EQ(ContainerAgentEndpoint(config), "unix:/run/fta-hostd/containers.sock");

  config.container_bind = {"relative/dir"};
  absl::Status bind = ValidateConfig(config);
  EXPECT_NE(bind.message().find("container.bind"), std::string::npos) << bind;
  config.container_bind.clear();
  config.container_memory_mib = 4;
  EXPECT_NE(ValidateConfig(config).message().find("container.memory_mib"), std::string::npos);

  HostdConfig mixed = DefaultConfig();
  mixed.container_uri = "lxc+unix:///system?socket=/x/libvirt-sock";
  EXPECT_TRUE(ContainersEnabled(mixed));
  EXPECT_EQ(ContainerUri(mixed), mixed.container_uri);
}

}  // namespace
}  // namespace fta::hostd
