# Parsing real IOR output (fixtures in tests/data/ior).
fta_test(ior_output_test LABEL unit
  SOURCES ior_output_test.cc
  DEPS fta_ior_output GTest::gmock)
