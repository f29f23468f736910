#include "client/import_verbs.h"

#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "client/results_command.h"
#include "fta/v1/import.grpc.pb.h"
#include "lib/cli/args.h"
#include "lib/cli/job_format.h"
#include "lib/cli/json.h"
#include "lib/core/rpc_status.h"

namespace fta::client {

namespace {

void AddImportVerb(CLI::App* noun, std::function<int(Client&)>& action) {
  CLI::App* import =
      noun->add_subcommand("import", "Store IOR outputs made elsewhere (text or JSON) as jobs and print them");
  auto files = std::make_shared<std::vector<std::string>>();
  import->add_option("FILE", *files, "IOR output files (stdout of ior, or its JSON summary)")->required();
  import->callback([&action, files] { action = [files](Client& c) { return c.JobImport(*files); }; });
}

}  // namespace

void AddImportVerbs(CLI::App& app, std::function<int(Client&)>& action) {
  AddImportVerb(app.get_subcommand("job"), action);
  AddImportVerb(ResultsCommand(app), action);
}

int Client::JobImport(const std::vector<std::string>& files) {
  std::unique_ptr<v1::ImportService::Stub> imports = v1::ImportService::NewStub(connection_.channel());
  v1::ListJobsResponse imported;
  int exit_code = cli::kExitOk;
  for (const std::string& file : files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      std::cerr << cli::FormatError(absl::NotFoundError(file + ": cannot be read")) << '\n';
      exit_code = cli::kExitError;
      continue;
    }
    std::stringstream content;
    content << in.rdbuf();
    v1::ImportIorOutputRequest request;
    request.set_content(content.str());
    request.set_name(file);
    grpc::ClientContext context;
    connection_.SetDeadline(context);
    v1::Job job;
    grpc::Status status = imports->ImportIorOutput(&context, request, &job);
    if (!status.ok()) {
      exit_code = connection_.Fail(status);
      continue;
    }
    if (!connection_.options().json) std::cout << cli::RenderJobDetail(job, connection_.format()) << std::flush;
    *imported.add_jobs() = std::move(job);
  }
  if (connection_.options().json) {
    const google::protobuf::Message& document =
        imported.jobs_size() == 1 && files.size() == 1 ? static_cast<const google::protobuf::Message&>(imported.jobs(0))
                                                       : imported;
    int printed = connection_.Emit(document, [] { return std::string(); });
    if (printed != cli::kExitOk) return printed;
  }
  return exit_code;
}

}  // namespace fta::client
