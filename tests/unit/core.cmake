# Behaviour tests of lib/core.
fta_test(event_queue_test LABEL unit
  SOURCES event_queue_test.cc
  DEPS fta_core absl::synchronization absl::time)
