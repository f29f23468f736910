# Behaviour tests of lib/core.
fta_test(event_queue_test LABEL unit
  SOURCES event_queue_test.cc
  DEPS fta_core absl::synchronization absl::time)
fta_test(run_tool_test LABEL unit SOURCES run_tool_test.cc DEPS fta_core GTest::gmock)
fta_test(paging_test LABEL unit SOURCES paging_test.cc DEPS fta_core GTest::gmock)
fta_test(socket_access_test LABEL unit SOURCES socket_access_test.cc DEPS fta_core GTest::gmock)
