fta_test(config_test LABEL unit SOURCES config_test.cc DEPS fta_config)
fta_test(periodic_test LABEL unit SOURCES periodic_test.cc DEPS fta_core)
fta_test(job_results_test LABEL unit SOURCES job_results_test.cc DEPS fta_jobs)
fta_test(fta_kinds_test LABEL unit SOURCES fta_kinds_test.cc DEPS fta_fleet)
fta_test(housekeeping_test LABEL unit SOURCES housekeeping_test.cc DEPS fta_daemon)
# Job message routing of the registry: sample batches, back-pressure.
fta_test(agent_registry_test LABEL unit SOURCES agent_registry_test.cc DEPS fta_fleet GTest::gmock)
