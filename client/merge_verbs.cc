#include "client/merge_verbs.h"

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "client/results_command.h"
#include "fta/v1/import.grpc.pb.h"
#include "lib/cli/args.h"
#include "lib/cli/json.h"
#include "lib/cli/merge_format.h"
#include "lib/core/file_text.h"
#include "lib/core/rpc_status.h"
#include "lib/core/status_macros.h"
#include "lib/jobs/job_merge.h"

namespace fta::client {
namespace {

// "dir/fta1.json" -> "fta1".
std::string HostOfFile(const std::string& file) {
  std::string base = file.substr(file.find_last_of('/') + 1);
  size_t dot = base.rfind(".json");
  return dot != std::string::npos && dot + 5 == base.size() ? base.substr(0, dot) : base;
}

absl::StatusOr<v1::HostJob> PartFromFile(const std::string& file) {
  FTA_ASSIGN_OR_RETURN(std::string content, ReadFileText(file));
  v1::HostJob part;
  part.set_host(HostOfFile(file));
  absl::Status parsed = cli::FromJson(content, file, part.mutable_job());
  if (!parsed.ok()) return parsed;
  return part;
}

// "NAME,ENDPOINT,JOB_ID": the job as that hostd stores it.
absl::StatusOr<v1::HostJob> PartFromHost(const std::string& spec, const cli::ConnectionOptions& base) {
  std::vector<std::string> fields = absl::StrSplit(spec, ',');
  if (fields.size() != 3 || fields[0].empty() || fields[2].empty()) {
    return absl::InvalidArgumentError(absl::StrCat("--part: \"", spec, "\" is not NAME,ENDPOINT,JOB_ID"));
  }
  absl::StatusOr<std::string> target = cli::ParseEndpoint(fields[1]);
  if (!target.ok()) return target.status();
  cli::ConnectionOptions options = base;
  options.target = *target;
  cli::Connection connection(options);
  std::unique_ptr<v1::JobService::Stub> jobs = v1::JobService::NewStub(connection.channel());
  v1::GetJobRequest request;
  request.set_id(fields[2]);
  v1::HostJob part;
  part.set_host(fields[0]);
  grpc::Status status = connection.Call(*jobs, &v1::JobService::Stub::GetJob, request, part.mutable_job());
  if (!status.ok()) {
    absl::Status error = fta::FromGrpcStatus(status);
    return absl::Status(error.code(), absl::StrCat(fields[0], " (", fields[1], "): ", error.message()));
  }
  return part;
}

}  // namespace

void AddMergeVerbs(CLI::App& app, std::function<int(Client&)>& action) {
  CLI::App* merge = ResultsCommand(app)->add_subcommand(
      "merge", "Merge one job per host (started together with --start-at) into one IOR-way result across hosts");
  auto files = std::make_shared<std::vector<std::string>>();
  auto parts = std::make_shared<std::vector<std::string>>();
  auto store = std::make_shared<bool>(false);
  merge->add_option("FILE", *files, "Job JSON per host (ftactl -o json ior run / job show); host = file name");
  merge->add_option("--part", *parts, "NAME,ENDPOINT,JOB_ID: a job on another hostd (repeatable)");
  merge->add_flag("--store", *store, "Store the merge on --host as a job of engine merged");
  merge->callback([&action, files, parts, store] {
    if (files->size() + parts->size() == 0) throw CLI::ValidationError("merge: give job files or --part");
    action = [files, parts, store](Client& c) { return c.ResultsMerge(*files, *parts, *store); };
  });
}

int Client::ResultsMerge(const std::vector<std::string>& files, const std::vector<std::string>& parts, bool store) {
  v1::StoreMergedJobRequest request;
  for (const std::string& file : files) {
    absl::StatusOr<v1::HostJob> part = PartFromFile(file);
    if (!part.ok()) return connection_.Fail(part.status());
    *request.add_parts() = *std::move(part);
  }
  for (const std::string& spec : parts) {
    absl::StatusOr<v1::HostJob> part = PartFromHost(spec, connection_.options());
    if (!part.ok()) return connection_.Fail(part.status());
    *request.add_parts() = *std::move(part);
  }
  v1::MergedJob merged;
  if (store) {
    std::unique_ptr<v1::ImportService::Stub> imports = v1::ImportService::NewStub(connection_.channel());
    grpc::Status status = connection_.Call(*imports, &v1::ImportService::Stub::StoreMergedJob, request, &merged);
    if (!status.ok()) return connection_.Fail(status);
  } else {
    std::vector<hostd::HostJobPart> local;
    for (const v1::HostJob& part : request.parts()) local.push_back(hostd::HostJobPart{part.host(), part.job()});
    absl::StatusOr<v1::MergedJob> result = hostd::MergeHostJobs(local);
    if (!result.ok()) return connection_.Fail(result.status());
    merged = *std::move(result);
  }
  return connection_.Emit(merged, [&] { return cli::RenderMergedJob(merged, connection_.format()); });
}

}  // namespace fta::client
