# lib/sriov against fake sysfs trees in the kernel's layout (fake_sysfs.h);
# the helper library is shared with the vf_pool integration test.
fta_library(fta_fake_sysfs
  SOURCES fake_sysfs.cc
  DEPS fta_sriov fta_core absl::strings absl::str_format)
fta_test(sriov_test LABEL unit
  SOURCES sriov_discovery_test.cc sriov_configure_test.cc sriov_pool_test.cc sriov_pkeys_test.cc
  DEPS fta_sriov fta_fake_sysfs GTest::gmock)
fta_test(sriov_config_test LABEL unit SOURCES sriov_config_test.cc DEPS fta_config GTest::gmock)
fta_test(link_meter_test LABEL unit SOURCES link_meter_test.cc DEPS fta_jobs fta_fake_sysfs GTest::gmock)
fta_test(verbs_test LABEL unit SOURCES verbs_test.cc DEPS fta_sriov)
fta_test(vf_service_test LABEL unit SOURCES vf_service_test.cc DEPS fta_services fta_fake_sysfs GTest::gmock)
