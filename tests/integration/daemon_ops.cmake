# The production daemon's operations (issue 18): the Prometheus endpoint,
# SIGHUP and the watchdog, agents as an unprivileged user, job file cleanup.
fta_test(metrics_test LABEL integration TIMEOUT 300 SOURCES metrics_test.cc DEPS fta_test_harness)
add_dependencies(metrics_test ${FTA_INTEGRATION_BINARIES})
fta_test(daemon_lifecycle_test LABEL integration TIMEOUT 300 SOURCES daemon_lifecycle_test.cc DEPS fta_test_harness)
add_dependencies(daemon_lifecycle_test ${FTA_INTEGRATION_BINARIES})
fta_test(agent_user_test LABEL "integration;security" TIMEOUT 300 SOURCES agent_user_test.cc DEPS fta_test_harness)
add_dependencies(agent_user_test ${FTA_INTEGRATION_BINARIES})
