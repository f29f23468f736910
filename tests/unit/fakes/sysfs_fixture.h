// The fixture of the SR-IOV tests: a fake sysfs tree (fake_sysfs.h) in a
// fresh temporary directory and the kernel-playing SysfsRoot over it, made
// before each test and removed after it.
#pragma once

#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "tests/unit/fake_sysfs.h"
#include "tests/unit/fakes/temp_dir.h"

namespace fta::testing {

class FakeSysfsTest : public ::testing::Test {
 protected:
  TempDir temp_{"fta-sysfs"};
  std::string dir_ = temp_.path();
  std::unique_ptr<FakeSysfs> tree_ = std::make_unique<FakeSysfs>(dir_);
  std::unique_ptr<FakeKernelSysfs> sysfs_ = std::make_unique<FakeKernelSysfs>(tree_.get());
};

}  // namespace fta::testing
