# The agent channel's security and the endpoint's limits against a real
# fta-hostd: ctest label `security`.
fta_library(fta_security_fixture SOURCES security_fixture.cc DEPS fta_proto gRPC::grpc++)
fta_test(agent_channel_security_test LABEL security TIMEOUT 600
  SOURCES agent_channel_security_test.cc DEPS fta_test_harness fta_security_fixture fta_pki)
add_dependencies(agent_channel_security_test ${FTA_INTEGRATION_BINARIES})
fta_test(agent_endpoint_limits_test LABEL security TIMEOUT 600
  SOURCES agent_endpoint_limits_test.cc DEPS fta_test_harness fta_security_fixture)
add_dependencies(agent_endpoint_limits_test ${FTA_INTEGRATION_BINARIES})
