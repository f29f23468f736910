# Built-in engine options that need several real agents and fta-hostd in the
# middle: -g barriers and -D wear-out across agents, -u, -C, bad options.
fta_test(engine_options_test LABEL integration TIMEOUT 600
  SOURCES engine_options_test.cc DEPS fta_test_harness)
add_dependencies(engine_options_test ${FTA_INTEGRATION_BINARIES})
