#include "client/vf_verbs.h"

#include "fta/v1/vf.grpc.pb.h"
#include "lib/cli/paging.h"
#include "lib/cli/vf_format.h"

namespace fta::client {

void AddVfVerbs(CLI::App& app, std::function<int(Client&)>& action) {
  CLI::App* vf = app.add_subcommand("vf", "SR-IOV virtual functions of the host's IB card");
  vf->require_subcommand(1);
  vf->add_subcommand("list", "Every VF under hostd's sysfs root: PF, index, NUMA, driver, GUIDs, port, owner")
      ->callback([&action] { action = [](Client& c) { return c.VfList(); }; });
}

int Client::VfList() {
  std::unique_ptr<v1::VfService::Stub> vfs = v1::VfService::NewStub(connection_.channel());
  return cli::ShowAll(connection_, 0, v1::ListVfsRequest(), &v1::VfService::Stub::ListVfs, *vfs,
                      [](v1::ListVfsResponse& page) { return page.mutable_vfs(); },
                      [](const v1::ListVfsResponse& all) { return cli::RenderVfList(all); });
}

}  // namespace fta::client
