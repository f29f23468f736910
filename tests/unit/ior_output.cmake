# Parsing real IOR output (fixtures in tests/data/ior).
fta_test(ior_output_test LABEL unit
  SOURCES ior_output_test.cc
  DEPS fta_ior_output GTest::gmock)
# The other IOR outputs: -f multi-test runs, CSV summaries, summaryFile
# stdout, log lines inside the JSON, per-rank CSV (fixtures tests/data/ior/local-*).
fta_test(ior_output_formats_test LABEL unit
  SOURCES ior_output_formats_test.cc
  DEPS fta_ior_output GTest::gmock)
