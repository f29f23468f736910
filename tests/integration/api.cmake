# The control API's conventions against a real daemon: paged lists, FTA
# kinds, enum words in ftactl's JSON, and the old CLI nouns kept as aliases.
fta_test(api_conventions_test LABEL integration TIMEOUT 600
  SOURCES api_conventions_test.cc DEPS fta_test_harness nlohmann_json::nlohmann_json)
add_dependencies(api_conventions_test ${FTA_INTEGRATION_BINARIES})
