#include "client/vf_verbs.h"

#include "fta/v1/vf.grpc.pb.h"
#include "lib/cli/vf_format.h"

namespace fta::client {

void AddVfVerbs(CLI::App& app, std::function<int(Client&)>& action) {
  CLI::App* vf = app.add_subcommand("vf", "SR-IOV virtual functions of the host's IB card");
  vf->require_subcommand(1);
  vf->add_subcommand("list", "Every VF under hostd's sysfs root: PF, index, NUMA, driver, GUIDs, port, owner")
      ->callback([&action] { action = [](Client& c) { return c.VfList(); }; });
}

int Client::VfList() {
  grpc::ClientContext context;
  SetDeadline(context, options_.timeout);
  std::unique_ptr<v1::VfService::Stub> vfs = v1::VfService::NewStub(channel_);
  v1::ListVfsResponse response;
  grpc::Status status = vfs->ListVfs(&context, v1::ListVfsRequest(), &response);
  if (!status.ok()) return Fail(status);
  return Emit(response, [&] { return cli::RenderVfList(response); });
}

}  // namespace fta::client
