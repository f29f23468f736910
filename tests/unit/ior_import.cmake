# IOR output -> imported job (lib/jobs/ior_import) and its all-or-nothing store.
fta_test(ior_import_test LABEL unit
  SOURCES ior_import_test.cc
  DEPS fta_jobs fta_store GTest::gmock)
