# The running daemon's periodic reconcile against real agent processes.
fta_test(reconcile_test LABEL integration TIMEOUT 300 SOURCES reconcile_test.cc
  DEPS fta_test_harness nlohmann_json::nlohmann_json)
add_dependencies(reconcile_test ${FTA_INTEGRATION_BINARIES})
