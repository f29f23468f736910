# Real-ior engine end to end: jobs with engine "ior" on process FTAs whose
# agents find the ior test double in PATH, and `ftactl results import`.
fta_test(ior_engine_test LABEL integration TIMEOUT 600
  SOURCES ior_engine_test.cc DEPS fta_test_harness nlohmann_json::nlohmann_json)
add_dependencies(ior_engine_test ${FTA_INTEGRATION_BINARIES} fta_ior_double)
target_compile_definitions(ior_engine_test PRIVATE FTA_IOR_DOUBLE_DIR="$<TARGET_FILE_DIR:fta_ior_double>")
