fta_test(config_test LABEL unit SOURCES config_test.cc DEPS fta_config)
fta_test(periodic_test LABEL unit SOURCES periodic_test.cc DEPS fta_core)
fta_test(job_results_test LABEL unit SOURCES job_results_test.cc DEPS fta_jobs)
fta_test(fta_kinds_test LABEL unit SOURCES fta_kinds_test.cc DEPS fta_fleet)
