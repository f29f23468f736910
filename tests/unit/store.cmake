fta_test(store_test LABEL unit SOURCES store_ftas_test.cc store_jobs_test.cc store_schema_test.cc DEPS fta_store GTest::gmock)
