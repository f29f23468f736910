# The job and sweep engines against fakes of the fleet, the agents and the
# job launcher (tests/unit/fakes/), one fake clock, and a real SQLite store.
fta_library(fta_test_fakes
  SOURCES fakes/fake_fleet.cc
  DEPS fta_fleet fta_core GTest::gtest)
fta_test(job_coordinator_test LABEL unit
  SOURCES job_protocol_test.cc job_failure_test.cc
  DEPS fta_jobs fta_test_fakes GTest::gmock)
fta_test(sweep_runner_test LABEL unit
  SOURCES sweep_execution_test.cc sweep_control_test.cc
  DEPS fta_sweeps fta_test_fakes GTest::gmock)
# Labels unit and security: a failed job's files go, links are not followed.
fta_test(job_files_test LABEL "unit;security" SOURCES job_files_test.cc DEPS fta_jobs GTest::gmock)

# Engine ior's mpirun/IOR argv, hostfile and the orted words' reading.
fta_test(mpi_command_test LABEL unit SOURCES mpi_command_test.cc DEPS fta_jobs GTest::gmock)

# How far ahead a phase's common start lies, from measured deliveries.
fta_test(start_lead_test LABEL unit SOURCES start_lead_test.cc DEPS fta_jobs GTest::gmock)
