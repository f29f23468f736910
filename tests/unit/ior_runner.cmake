# The `ior` test double (tests/support/ior_double.cc): built as
# <build>/tests/ior-double/ior so agents can find it in PATH like the real one.
add_executable(fta_ior_double ${PROJECT_SOURCE_DIR}/tests/support/ior_double.cc)
set_target_properties(fta_ior_double PROPERTIES
  OUTPUT_NAME ior
  RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/tests/ior-double)

# The agent's real-ior engine against the double (real processes, real files).
fta_test(ior_runner_test LABEL unit
  SOURCES ior_runner_test.cc
  DEPS fta_agent_lib GTest::gmock)
add_dependencies(ior_runner_test fta_ior_double)
target_compile_definitions(ior_runner_test PRIVATE FTA_IOR_DOUBLE="$<TARGET_FILE:fta_ior_double>")
