# Scheduler hooks against a real daemon: FTA owners (allocate, list, run on,
# release), --start-at holding the first GO, and a stored merge of jobs.
fta_test(owners_test LABEL integration TIMEOUT 600
  SOURCES owners_test.cc DEPS fta_test_harness)
add_dependencies(owners_test ${FTA_INTEGRATION_BINARIES})
