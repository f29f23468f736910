fta_test(domain_xml_test LABEL unit SOURCES domain_xml_test.cc DEPS fta_virt)
fta_test(capacity_test LABEL unit SOURCES capacity_test.cc DEPS fta_virt)
# libvirt's in-process test:///default driver: no daemon, no hypervisor.
fta_test(libvirt_provisioner_test LABEL unit SOURCES libvirt_provisioner_test.cc DEPS fta_virt fta_daemon)
fta_test(seed_iso_test LABEL unit SOURCES seed_iso_test.cc DEPS fta_virt GTest::gmock)
