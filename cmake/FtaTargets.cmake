# Small helpers so every target is declared the same way.

# fta_library(NAME SOURCES ... DEPS ...): a static library under lib/.
function(fta_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PUBLIC ${ARG_DEPS})
  target_compile_options(${name} PRIVATE -Wall -Wextra)
endfunction()

# fta_test(NAME LABEL SOURCES ... DEPS ...): one GoogleTest binary, one ctest
# entry per binary (gtest filters inside), labelled unit/integration/vm/crash.
function(fta_test name)
  cmake_parse_arguments(ARG "" "LABEL;TIMEOUT" "SOURCES;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main)
  target_compile_options(${name} PRIVATE -Wall -Wextra)
  target_compile_definitions(${name} PRIVATE
    FTA_TEST_DATA_DIR="${PROJECT_SOURCE_DIR}/tests/data"
    FTA_BINARY_DIR="${PROJECT_BINARY_DIR}")
  add_test(NAME ${name} COMMAND ${name})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  # The daemon's graceful stop sends GOAWAY and waits for each connected
  # client to answer a ping. An idle synchronous C++ client (the test's own
  # stubs) only reads its socket from gRPC's backup poller, every 5 s by
  # default: without this every daemon stop in a test would take 5 s.
  set_tests_properties(${name} PROPERTIES LABELS "${ARG_LABEL}" TIMEOUT ${ARG_TIMEOUT}
    ENVIRONMENT "GRPC_CLIENT_CHANNEL_BACKUP_POLL_INTERVAL_MS=50")
endfunction()
