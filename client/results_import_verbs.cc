#include "client/results_import_verbs.h"

#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "client/results_command.h"
#include "fta/v1/results.grpc.pb.h"
#include "lib/cli/args.h"
#include "lib/cli/job_format.h"
#include "lib/cli/json.h"
#include "lib/core/rpc_status.h"

namespace fta::client {

void AddResultsImportVerb(CLI::App& app, std::function<int(Client&)>& action) {
  CLI::App* import = ResultsCommand(app)->add_subcommand(
      "import", "Store IOR outputs made elsewhere (text, JSON or CSV; one job per IOR test) and print them like our runs");
  auto files = std::make_shared<std::vector<std::string>>();
  import->add_option("FILE", *files, "IOR output files (stdout of ior, its JSON or CSV summary), each optionally followed by its per-rank CSV")->required();
  import->callback([&action, files] { action = [files](Client& c) { return c.ResultsImport(*files); }; });
}

namespace {

// IOR's per-rank CSV (-O saveRankPerformanceDetailsCSV) goes with the run
// given just before it.
bool IsRankDetailsCsv(const std::string& content) { return content.rfind("access,rank,", 0) == 0; }

}  // namespace

int Client::ResultsImport(const std::vector<std::string>& files) {
  std::unique_ptr<v1::ResultsService::Stub> results = v1::ResultsService::NewStub(channel_);
  v1::ListJobsResponse imported;
  int exit_code = cli::kExitOk;
  std::vector<std::optional<std::string>> contents;
  for (const std::string& file : files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      std::cerr << cli::FormatError(absl::NotFoundError(file + ": cannot be read")) << '\n';
      exit_code = cli::kExitError;
      contents.emplace_back();
      continue;
    }
    std::stringstream content;
    content << in.rdbuf();
    contents.emplace_back(content.str());
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
    grpc::ClientContext context;
    SetDeadline(context, options_.timeout);
    v1::ImportIorOutputResponse response;
    grpc::Status status = results->ImportIorOutput(&context, request, &response);
    if (!status.ok()) {
      exit_code = Fail(status);
      continue;
    }
    for (v1::Job& job : *response.mutable_jobs()) {
      if (!options_.json) std::cout << cli::RenderJobDetail(job, format_) << std::flush;
      *imported.add_jobs() = std::move(job);
    }
  }
  if (options_.json) {
    absl::StatusOr<std::string> json =
        imported.jobs_size() == 1 && files.size() == 1 ? cli::ToJson(imported.jobs(0)) : cli::ToJson(imported);
    if (!json.ok()) {
      std::cerr << cli::FormatError(json.status()) << '\n';
      return cli::kExitError;
    }
    std::cout << *json << std::flush;
  }
  return exit_code;
}

}  // namespace fta::client
