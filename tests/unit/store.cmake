fta_test(store_test LABEL unit SOURCES store_test.cc DEPS fta_store)
fta_test(store_paging_test LABEL unit SOURCES store_paging_test.cc DEPS fta_store PkgConfig::SQLITE3)
