#include "client/sweep_client.h"

#include <google/protobuf/struct.pb.h>

#include <algorithm>
#include <fstream>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "client/follow_stream.h"
#include "lib/cli/paging.h"
#include "lib/cli/args.h"
#include "lib/cli/json.h"
#include "lib/cli/sweep_format.h"
#include "lib/core/rpc_status.h"
#include "lib/report/report_writer.h"

namespace fta::client {

SweepClient::SweepClient(const cli::Connection& connection)
    : connection_(connection), sweeps_(v1::SweepService::NewStub(connection.channel())) {}

grpc::Status SweepClient::Fetch(const std::string& id, v1::Sweep* sweep) {
  v1::GetSweepRequest request;
  request.set_id(id);
  return connection_.Call(*sweeps_, &v1::SweepService::Stub::GetSweep, request, sweep);
}

int SweepClient::Follow(grpc::ClientReader<v1::SweepEvent>& reader) {
  return FollowToEnd<cli::SweepEventView>(
      connection_, reader, "sweep",
      [&](const v1::Sweep& sweep) { return cli::RenderSweepDetail(sweep, connection_.format()); },
      [](const v1::Sweep& sweep) {
        return ReportEnding(cli::ExitCodeForSweep(sweep), "sweep", sweep.id(), cli::SweepStateName(sweep.state()),
                            sweep.error());
      });
}

template <typename Request>
int SweepClient::Follow(std::unique_ptr<grpc::ClientReader<v1::SweepEvent>> (v1::SweepService::Stub::*open)(
                            grpc::ClientContext*, const Request&),
                        const Request& request) {
  return FollowStream(*sweeps_, open, request,
                      [this](grpc::ClientReader<v1::SweepEvent>& reader) { return Follow(reader); });
}

int SweepClient::Start(const v1::SweepSpec& spec) {
  v1::StartSweepRequest request;
  *request.mutable_spec() = spec;
  return Follow(&v1::SweepService::Stub::StartSweep, request);
}

int SweepClient::Watch(const std::string& id) {
  v1::WatchSweepRequest request;
  request.set_id(id);
  return Follow(&v1::SweepService::Stub::WatchSweep, request);
}

int SweepClient::Resume(const std::string& id) {
  v1::ResumeSweepRequest request;
  request.set_id(id);
  return Follow(&v1::SweepService::Stub::ResumeSweep, request);
}

int SweepClient::Cancel(const std::string& id) {
  v1::CancelSweepRequest request;
  request.set_id(id);
  // Cancelling waits for the running job to stop.
  return connection_.Show(
      *sweeps_, &v1::SweepService::Stub::CancelSweep, request,
      [&](const v1::Sweep& sweep) { return cli::RenderSweepDetail(sweep, connection_.format()); },
      std::max(connection_.options().timeout, std::chrono::milliseconds(120000)));
}

int SweepClient::List(int32_t limit) {
  return cli::ShowAll(
      connection_, limit, v1::ListSweepsRequest(), &v1::SweepService::Stub::ListSweeps, *sweeps_,
      [](v1::ListSweepsResponse& page) { return page.mutable_sweeps(); },
      [&](const v1::ListSweepsResponse& all) { return cli::RenderSweepList(all.sweeps(), connection_.format()); });
}

int SweepClient::Show(const std::string& id) {
  v1::Sweep sweep;
  grpc::Status status = Fetch(id, &sweep);
  if (!status.ok()) return connection_.Fail(status);
  return connection_.Emit(sweep, [&] { return cli::RenderSweepDetail(sweep, connection_.format()); });
}

int SweepClient::Export(const std::string& id, const std::string& format, const std::string& out_file) {
  v1::Sweep sweep;
  grpc::Status status = Fetch(id, &sweep);
  if (!status.ok()) return connection_.Fail(status);
  std::string text;
  if (format == "csv") {
    text = cli::SweepToCsv(sweep);
  } else {
    absl::StatusOr<std::string> json = cli::ToJson(sweep);
    if (!json.ok()) return connection_.Fail(json.status());
    text = *json;
  }
  if (out_file.empty()) {
    std::cout << text << std::flush;
    return cli::kExitOk;
  }
  std::ofstream out(out_file, std::ios::trunc);
  out << text;
  out.flush();
  if (!out) {
    std::cerr << "ftactl: --file: cannot write " << out_file << '\n';
    return cli::kExitError;
  }
  return cli::kExitOk;
}

int SweepClient::Compare(const std::string& a, const std::string& b) {
  v1::Sweep first, second;
  grpc::Status status = Fetch(a, &first);
  if (!status.ok()) return connection_.Fail(status);
  status = Fetch(b, &second);
  if (!status.ok()) return connection_.Fail(status);
  if (connection_.options().json) {
    // Both sweeps' summaries, so a script can do its own arithmetic.
    v1::ListSweepsResponse both;
    *both.add_sweeps() = first;
    *both.add_sweeps() = second;
    for (auto& sweep : *both.mutable_sweeps()) {
      sweep.clear_runs();
      sweep.clear_points();
    }
    return connection_.Emit(both, [] { return std::string(); });
  }
  std::cout << cli::RenderSweepComparison(first, second);
  return cli::kExitOk;
}

int SweepClient::Report(const std::vector<std::string>& ids, const std::string& out_dir) {
  std::vector<v1::Sweep> sweeps(ids.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    grpc::Status status = Fetch(ids[i], &sweeps[i]);
    if (!status.ok()) return connection_.Fail(status);
  }
  absl::StatusOr<report::ReportFiles> files = report::WriteReport(sweeps, out_dir);
  if (!files.ok()) return connection_.Fail(files.status());
  if (connection_.options().json) {
    google::protobuf::Struct paths;
    (*paths.mutable_fields())["write_svg"].set_string_value(files->write_svg);
    (*paths.mutable_fields())["read_svg"].set_string_value(files->read_svg);
    (*paths.mutable_fields())["html"].set_string_value(files->html);
    return connection_.Emit(paths, [] { return std::string(); });
  } else {
    std::cout << files->write_svg << '\n' << files->read_svg << '\n' << files->html << '\n';
  }
  return cli::kExitOk;
}

}  // namespace fta::client
