fta_test(process_provisioner_test LABEL unit SOURCES process_provisioner_test.cc DEPS fta_virt)
