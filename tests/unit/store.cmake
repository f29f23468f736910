fta_test(store_test LABEL unit SOURCES store_test.cc DEPS fta_store)
