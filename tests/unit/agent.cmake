# Behaviour tests of lib/agent against an in-process AgentGateway.
fta_test(agent_session_test LABEL unit
  SOURCES agent_session_test.cc
  DEPS fta_agent_lib GTest::gmock)

fta_test(job_part_test LABEL unit
  SOURCES job_part_test.cc
  DEPS fta_agent_lib GTest::gmock)

# Relayed commands (orted for engine ior): output, exit, session kill.
fta_test(exec_runner_test LABEL unit SOURCES exec_runner_test.cc DEPS fta_agent_lib GTest::gmock)

# Samples batched per agent (SampleBatch): windows, flush, no loss.
fta_test(sample_batcher_test LABEL unit SOURCES sample_batcher_test.cc DEPS fta_agent_lib GTest::gmock)

# The common start: ranks parked until the instant, on a fake clock.
fta_test(start_gate_test LABEL unit SOURCES start_gate_test.cc DEPS fta_agent_lib GTest::gmock)

# One phase on all ranks: every byte sampled, a quiet supervisor at the start.
fta_test(phase_runner_test LABEL unit SOURCES phase_runner_test.cc DEPS fta_agent_lib GTest::gmock)
