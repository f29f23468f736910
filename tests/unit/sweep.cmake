# Sweeps: summary math and plots (lib/report), the plan (lib/sweeps),
# storage (lib/store) and the CLI's parsing and export (lib/cli).
fta_test(report_summary_test LABEL unit SOURCES report_summary_test.cc DEPS fta_report GTest::gmock)
fta_test(report_svg_test LABEL unit SOURCES report_svg_test.cc DEPS fta_report GTest::gmock)
fta_test(sweep_plan_test LABEL unit SOURCES sweep_plan_test.cc DEPS fta_sweeps GTest::gmock)
fta_test(store_sweeps_test LABEL unit SOURCES store_sweeps_test.cc DEPS fta_store GTest::gmock)
fta_test(cli_sweep_test LABEL unit SOURCES cli_sweep_test.cc DEPS fta_cli GTest::gmock)
fta_test(sweep_snapshot_test LABEL unit SOURCES sweep_snapshot_test.cc DEPS fta_sweeps GTest::gmock)
fta_test(kinds_plot_test LABEL unit SOURCES kinds_plot_test.cc DEPS fta_report)
