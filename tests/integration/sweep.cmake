# Sweeps end to end: ftactl sweep over process FTAs with the native
# baseline, sweep export, report files (and a Chromium screenshot of the
# page), and a daemon killed mid-sweep and resumed.
fta_test(sweep_test LABEL integration TIMEOUT 900
  SOURCES sweep_test.cc DEPS fta_test_harness fta_proto nlohmann_json::nlohmann_json)
add_dependencies(sweep_test ${FTA_INTEGRATION_BINARIES})
