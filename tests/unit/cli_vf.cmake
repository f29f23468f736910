# ftactl's VF views (lib/cli/vf_format.h).
fta_test(cli_vf_format_test LABEL unit SOURCES cli_vf_format_test.cc DEPS fta_cli GTest::gmock)
