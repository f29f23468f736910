# Unit tests of lib/cli (ftactl's formatting and argument parsing).
fta_test(cli_output_test LABEL unit
  SOURCES cli_output_test.cc
  DEPS fta_cli nlohmann_json::nlohmann_json GTest::gmock)
fta_test(cli_args_test LABEL unit
  SOURCES cli_args_test.cc
  DEPS fta_cli GTest::gmock)
fta_test(cli_job_stream_test LABEL unit
  SOURCES cli_job_stream_test.cc
  DEPS fta_cli GTest::gmock)
fta_test(cli_enum_words_test LABEL unit
  SOURCES cli_enum_words_test.cc
  DEPS fta_cli GTest::gmock)
fta_test(cli_paging_test LABEL unit
  SOURCES cli_paging_test.cc
  DEPS fta_cli GTest::gmock)
