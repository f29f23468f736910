# Container FTAs (label container): the test starts a private libvirtd with
# the LXC driver (tests/integration/vm/private-libvirtd.sh), veth pairs as
# stand-ins for VF netdevs, and drives fta-hostd's lxc backend. Needs root
# and libvirt-daemon-driver-lxc; skips saying which is missing.
fta_test(container_test LABEL container TIMEOUT 600
  SOURCES container_test.cc container_probe.cc libvirt_fixture.cc DEPS fta_test_harness PkgConfig::LIBVIRT
  nlohmann_json::nlohmann_json)
add_dependencies(container_test ${FTA_INTEGRATION_BINARIES})
target_compile_definitions(container_test PRIVATE FTA_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
