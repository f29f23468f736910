# The VF pool end to end on fake sysfs trees: allocation, vf list, release,
# SIGKILL during and after allocation (tests/unit/fake_sysfs.h builds trees).
fta_test(vf_pool_test LABEL integration TIMEOUT 600
  SOURCES vf_pool_test.cc
  DEPS fta_test_harness fta_fake_sysfs fta_proto PkgConfig::SQLITE3 nlohmann_json::nlohmann_json)
add_dependencies(vf_pool_test ${FTA_INTEGRATION_BINARIES})
