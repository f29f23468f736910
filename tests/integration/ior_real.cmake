# Real IOR (label `ior`): scripts/build-ior.sh builds it once into
# <build>/ior (source: the IOR tarball beside the clone, else the upstream
# repository); the test fixture `ior_binary` makes every `ior` test wait for
# it. No source or no OpenMPI: ior_build exits 77 (SKIPPED) and the tests
# skip saying why.
add_test(NAME ior_build COMMAND ${PROJECT_SOURCE_DIR}/scripts/build-ior.sh --cache ${PROJECT_BINARY_DIR}/ior)
set_tests_properties(ior_build PROPERTIES LABELS ior TIMEOUT 1200 SKIP_RETURN_CODE 77 FIXTURES_SETUP ior_binary)

# Every output format of a live IOR run imports (ftactl results import's
# parser): -f multi-test text and JSON, CSV summary, per-rank CSV,
# summaryFile stdout, wear-out JSON.
fta_test(ior_real_test LABEL ior TIMEOUT 900
  SOURCES ior_real_test.cc DEPS fta_jobs fta_core GTest::gmock)
set_tests_properties(ior_real_test PROPERTIES FIXTURES_REQUIRED ior_binary)
target_compile_definitions(ior_real_test PRIVATE FTA_IOR_BINARY="${PROJECT_BINARY_DIR}/ior/prefix/bin/ior")

# Engine ior: one mpirun over two process FTAs through fta-mpi-relay, IOR's
# JSON the stored result, a killed FTA leaving no MPI process.
fta_test(mpi_engine_test LABEL ior TIMEOUT 900
  SOURCES mpi_engine_test.cc DEPS fta_test_harness fta_jobs fta_core GTest::gmock)
add_dependencies(mpi_engine_test ${FTA_INTEGRATION_BINARIES})
set_tests_properties(mpi_engine_test PROPERTIES FIXTURES_REQUIRED ior_binary)
target_compile_definitions(mpi_engine_test PRIVATE FTA_IOR_BINARY="${PROJECT_BINARY_DIR}/ior/prefix/bin/ior")
