# IOR output -> imported job (lib/jobs/ior_import) and its all-or-nothing store.
fta_test(ior_import_test LABEL unit
  SOURCES ior_import_test.cc
  DEPS fta_jobs fta_store GTest::gmock)
# Multi-test runs, CSV summaries, summaryFile stdout, wear-out JSON and the
# per-rank CSV, through ImportService.ImportIorOutput into a real store.
fta_test(ior_import_formats_test LABEL unit
  SOURCES ior_import_formats_test.cc
  DEPS fta_services fta_jobs fta_store GTest::gmock)
