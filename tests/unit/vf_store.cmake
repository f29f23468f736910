# VF assignments in the SQLite store (lib/store/store_vfs.cc).
fta_test(vf_store_test LABEL unit SOURCES vf_store_test.cc DEPS fta_store GTest::gmock)
