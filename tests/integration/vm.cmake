# Real libvirt guests (label vm): the test starts a private libvirtd and
# virtlogd, builds the tiny guest with deploy/guest/build-test-guest.sh and
# drives fta-hostd's libvirt backend. Needs root (CI runs as root).
fta_test(vm_guest_test LABEL vm TIMEOUT 900
  SOURCES vm_guest_test.cc libvirt_fixture.cc DEPS fta_test_harness PkgConfig::LIBVIRT)
add_dependencies(vm_guest_test ${FTA_INTEGRATION_BINARIES})
target_compile_definitions(vm_guest_test PRIVATE FTA_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
