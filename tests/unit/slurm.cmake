# Many hosts under Slurm: merging hosts' jobs, --start-at and owner rules,
# and the CLI pieces (--start-at parsing, JSON read back, merge table).
fta_test(job_merge_test LABEL unit SOURCES job_merge_test.cc DEPS fta_job_results GTest::gmock)
fta_test(start_at_test LABEL unit SOURCES start_at_test.cc DEPS fta_jobs)
fta_test(owner_test LABEL unit SOURCES owner_test.cc DEPS fta_fleet)
fta_test(cli_merge_test LABEL unit SOURCES cli_merge_test.cc DEPS fta_cli fta_job_results GTest::gmock)
