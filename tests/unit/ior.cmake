# Unit tests of lib/core/units and lib/ior: one binary per module.
fta_test(units_test LABEL unit
  SOURCES units_test.cc
  DEPS fta_core GTest::gmock)
fta_test(ior_params_test LABEL unit
  SOURCES ior_params_test.cc
  DEPS fta_ior GTest::gmock)
fta_test(posix_engine_test LABEL unit
  SOURCES posix_engine_test.cc posix_engine_options_test.cc
  DEPS fta_ior GTest::gmock)
# Labels unit and security: system directories and planted links refused.
fta_test(safe_file_access_test LABEL "unit;security"
  SOURCES safe_file_access_test.cc
  DEPS fta_ior fta_ior_spec GTest::gmock)
fta_test(bandwidth_test LABEL unit
  SOURCES bandwidth_test.cc
  DEPS fta_ior GTest::gmock)
