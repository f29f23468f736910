#include "tests/integration/shared_hostd.h"

#include <filesystem>

namespace fta::testing {

TempDir* SharedHostdSuite::root_ = nullptr;
HostdProcess* SharedHostdSuite::hostd_ = nullptr;
std::string SharedHostdSuite::data_dir_;

void SharedHostdSuite::StartSharedHostd(int ftas) {
  root_ = new TempDir();
  hostd_ = new HostdProcess(root_->path(), {"--max-ftas", "4"});
  ASSERT_TRUE(hostd_->Start());
  data_dir_ = root_->path() + "/data";
  std::filesystem::create_directories(data_dir_);
  fta::v1::AllocateFtasResponse response;
  grpc::Status status = hostd_->Allocate(ftas, &response);
  ASSERT_TRUE(status.ok()) << status.error_message() << hostd_->log();
}

void SharedHostdSuite::TearDownTestSuite() {
  if (hostd_) hostd_->ReleaseAll();
  delete hostd_;
  hostd_ = nullptr;
  delete root_;
  root_ = nullptr;
}

}  // namespace fta::testing
