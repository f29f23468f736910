# SIGKILL of fta-hostd at awkward moments, then restart: ctest label `crash`.
fta_test(crash_test LABEL crash TIMEOUT 600 SOURCES crash_test.cc DEPS fta_test_harness PkgConfig::SQLITE3)
add_dependencies(crash_test ${FTA_INTEGRATION_BINARIES})
