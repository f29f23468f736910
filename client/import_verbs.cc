#include "client/import_verbs.h"

#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "client/results_command.h"
#include "fta/v1/import.grpc.pb.h"
#include "lib/cli/args.h"
#include "lib/cli/job_format.h"
#include "lib/cli/json.h"
#include "lib/core/file_text.h"
#include "lib/core/rpc_status.h"

namespace fta::client {

namespace {

void AddImportVerb(CLI::App* noun, std::function<int(Client&)>& action) {
  CLI::App* import =
      noun->add_subcommand("import", "Store IOR outputs made elsewhere (text, JSON or CSV; one job per IOR test) and print them");
  auto files = std::make_shared<std::vector<std::string>>();
  import->add_option("FILE", *files, "IOR output files (stdout of ior, its JSON or CSV summary), each optionally followed by its per-rank CSV")->required();
  import->callback([&action, files] { action = [files](Client& c) { return c.JobImport(*files); }; });
}

// IOR's per-rank CSV (-O saveRankPerformanceDetailsCSV) goes with the run
// given just before it.
bool IsRankDetailsCsv(const std::string& content) { return content.rfind("access,rank,", 0) == 0; }

}  // namespace

void AddImportVerbs(CLI::App& app, std::function<int(Client&)>& action) {
  AddImportVerb(app.get_subcommand("job"), action);
  AddImportVerb(ResultsCommand(app), action);
}

int Client::JobImport(const std::vector<std::string>& files) {
  std::unique_ptr<v1::ImportService::Stub> imports = v1::ImportService::NewStub(connection_.channel());
  v1::ListJobsResponse imported;
  int exit_code = cli::kExitOk;
  std::vector<std::optional<std::string>> contents;
  for (const std::string& file : files) {
    absl::StatusOr<std::string> content = ReadFileText(file);
    if (!content.ok()) {
      std::cerr << cli::FormatError(content.status()) << '\n';
      exit_code = cli::kExitError;
      contents.emplace_back();
      continue;
    }
    contents.emplace_back(*std::move(content));
  }
  for (size_t i = 0; i < files.size(); ++i) {
    if (!contents[i]) continue;
    if (IsRankDetailsCsv(*contents[i])) {
      std::cerr << cli::FormatError(absl::InvalidArgumentError(
                       files[i] + ": IOR's per-rank CSV: give it right after the output of its run"))
                << '\n';
      exit_code = cli::kExitError;
      continue;
    }
    v1::ImportIorOutputRequest request;
    request.set_content(*contents[i]);
    request.set_name(files[i]);
    if (i + 1 < files.size() && contents[i + 1] && IsRankDetailsCsv(*contents[i + 1])) {
      request.set_rank_details(*contents[i + 1]);
      request.set_rank_details_name(files[++i]);
    }
    v1::ImportIorOutputResponse response;
    grpc::Status status = connection_.Call(*imports, &v1::ImportService::Stub::ImportIorOutput, request, &response);
    if (!status.ok()) {
      exit_code = connection_.Fail(status);
      continue;
    }
    for (v1::Job& job : *response.mutable_jobs()) {
      if (!connection_.options().json) std::cout << cli::RenderJobDetail(job, connection_.format()) << std::flush;
      *imported.add_jobs() = std::move(job);
    }
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
