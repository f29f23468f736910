fta_test(config_test LABEL unit SOURCES config_test.cc DEPS fta_hostd)
