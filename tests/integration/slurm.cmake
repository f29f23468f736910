# fta-host under a real Slurm (label slurm, root only): a private munged,
# slurmctld and three slurmd on this machine, three fta-hostd, the
# project's prolog/epilog and a synchronised job across the three
# (tests/slurm/slurm_test.sh; exit 77 = skipped without root or Slurm).
add_test(NAME slurm_test
         COMMAND ${PROJECT_SOURCE_DIR}/tests/slurm/slurm_test.sh ${PROJECT_BINARY_DIR} ${PROJECT_SOURCE_DIR})
set_tests_properties(slurm_test PROPERTIES LABELS slurm SKIP_RETURN_CODE 77 TIMEOUT 600 RUN_SERIAL TRUE)
