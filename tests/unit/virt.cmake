fta_test(domain_xml_test LABEL unit SOURCES domain_xml_test.cc DEPS fta_virt)
fta_test(capacity_test LABEL unit SOURCES capacity_test.cc DEPS fta_virt)
# libvirt's in-process test:///default driver: no daemon, no hypervisor.
fta_test(libvirt_provisioner_test LABEL unit SOURCES libvirt_provisioner_test.cc DEPS fta_virt fta_daemon)
fta_test(seed_iso_test LABEL unit SOURCES seed_iso_test.cc DEPS fta_virt GTest::gmock)
# Container FTAs: the LXC domain XML and the network-namespace logic (fake ops).
fta_test(lxc_domain_xml_test LABEL unit SOURCES lxc_domain_xml_test.cc DEPS fta_virt)
fta_test(container_netns_test LABEL unit SOURCES container_netns_test.cc DEPS fta_virt)
fta_test(backend_router_test LABEL unit SOURCES backend_router_test.cc DEPS fta_virt)
fta_test(lxc_flavor_test LABEL unit SOURCES lxc_flavor_test.cc DEPS fta_virt)
