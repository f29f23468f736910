fta_test(store_test LABEL unit SOURCES store_ftas_test.cc store_jobs_test.cc store_schema_test.cc DEPS fta_store GTest::gmock)
fta_test(store_paging_test LABEL unit SOURCES store_paging_test.cc DEPS fta_store PkgConfig::SQLITE3)
fta_test(store_retention_test LABEL unit SOURCES store_retention_test.cc DEPS fta_store GTest::gmock PkgConfig::SQLITE3)
