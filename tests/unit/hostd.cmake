fta_test(config_test LABEL unit SOURCES config_test.cc DEPS fta_hostd)
fta_test(periodic_test LABEL unit SOURCES periodic_test.cc DEPS fta_hostd)
fta_test(job_results_test LABEL unit SOURCES job_results_test.cc DEPS fta_hostd)
