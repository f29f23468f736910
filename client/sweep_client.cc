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
  grpc::ClientContext context;
  connection_.SetDeadline(context);
  v1::GetSweepRequest request;
  request.set_id(id);
  return sweeps_->GetSweep(&context, request, sweep);
}

int SweepClient::Follow(grpc::ClientReader<v1::SweepEvent>& reader) {
  cli::SweepEventView view(std::cerr, connection_.options().live ? cli::SweepEventView::Mode::kLive
                                                    : cli::SweepEventView::Mode::kQuiet);
  grpc::Status status = ReadEvents(reader, view);
  if (!view.finished()) return ReportUnfinished(status, "sweep", view.sweep_id());
  const v1::Sweep& sweep = *view.finished();
  int printed = connection_.Emit(sweep, [&] { return cli::RenderSweepDetail(sweep, connection_.format()); });
  if (printed != cli::kExitOk) return printed;
  return ReportEnding(cli::ExitCodeForSweep(sweep), "sweep", sweep.id(), cli::SweepStateName(sweep.state()),
                      sweep.error());
}

int SweepClient::Start(const v1::SweepSpec& spec) {
  grpc::ClientContext context;
  v1::StartSweepRequest request;
  *request.mutable_spec() = spec;
  auto reader = sweeps_->StartSweep(&context, request);
  return Follow(*reader);
}

int SweepClient::Watch(const std::string& id) {
  grpc::ClientContext context;
  v1::WatchSweepRequest request;
  request.set_id(id);
  auto reader = sweeps_->WatchSweep(&context, request);
  return Follow(*reader);
}

int SweepClient::Resume(const std::string& id) {
  grpc::ClientContext context;
  v1::ResumeSweepRequest request;
  request.set_id(id);
  auto reader = sweeps_->ResumeSweep(&context, request);
  return Follow(*reader);
}

int SweepClient::Cancel(const std::string& id) {
  grpc::ClientContext context;
  // Cancelling waits for the running job to stop.
  connection_.SetDeadline(context, std::max(connection_.options().timeout, std::chrono::milliseconds(120000)));
  v1::CancelSweepRequest request;
  request.set_id(id);
  v1::Sweep sweep;
  grpc::Status status = sweeps_->CancelSweep(&context, request, &sweep);
  if (!status.ok()) return connection_.Fail(status);
  return connection_.Emit(sweep, [&] { return cli::RenderSweepDetail(sweep, connection_.format()); });
}

int SweepClient::List(int32_t limit) {
  v1::ListSweepsResponse all;
  grpc::Status status =
      cli::ListAll(connection_, limit, v1::ListSweepsRequest(), &v1::SweepService::Stub::ListSweeps, *sweeps_,
                   [](v1::ListSweepsResponse& page) { return page.mutable_sweeps(); }, &all);
  if (!status.ok()) return connection_.Fail(status);
  return connection_.Emit(all, [&] { return cli::RenderSweepList(all.sweeps(), connection_.format()); });
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
