#include "lib/cli/format.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "lib/cli/table.h"
#include "lib/cli/vf_format.h"
#include "lib/core/units.h"

namespace fta::cli {
namespace {

std::string OrDash(const std::string& text) { return text.empty() ? "-" : text; }

std::string OrDash(int64_t number) { return number == 0 ? "-" : absl::StrCat(number); }

std::string IorOf(const v1::Fta& fta) {
  if (!fta.ior_version().empty()) return fta.ior_version();
  if (!fta.ior_path().empty()) return fta.ior_path();
  return "-";
}

}  // namespace

std::string FormatUnixMs(int64_t unix_ms, absl::TimeZone zone) {
  if (unix_ms == 0) return "-";
  return absl::FormatTime("%Y-%m-%d %H:%M:%S", absl::FromUnixMillis(unix_ms), zone);
}

std::string FormatRanks(const std::vector<int32_t>& ranks) {
  if (ranks.empty()) return "-";
  std::vector<std::string> parts;
  size_t i = 0;
  while (i < ranks.size()) {
    size_t j = i;
    while (j + 1 < ranks.size() && ranks[j + 1] == ranks[j] + 1) ++j;
    parts.push_back(j == i ? absl::StrCat(ranks[i]) : absl::StrCat(ranks[i], "-", ranks[j]));
    i = j + 1;
  }
  return absl::StrJoin(parts, ",");
}

std::string FormatRate(double value) { return absl::StrFormat("%.2f", value); }
std::string FormatSeconds(double value) { return absl::StrFormat("%.3f", value); }

std::string FormatSpecSize(int64_t parsed_bytes, const std::string& as_sent) {
  if (parsed_bytes > 0) return FormatSize(static_cast<uint64_t>(parsed_bytes));
  return OrDash(as_sent);
}

std::string RenderHost(const v1::HostInfo& host, const FormatOptions& options) {
  FieldList fields;
  fields.Add("Hostname", OrDash(host.hostname()));
  fields.Add("Daemon version", OrDash(host.daemon_version()));
  fields.Add("Backend", OrDash(BackendName(host.backend())));
  fields.Add("CPU cores", absl::StrCat(host.cpu_cores()));
  fields.Add("Memory", HumanBytes(static_cast<uint64_t>(std::max<int64_t>(0, host.memory_bytes()))));
  fields.Add("FTAs active", absl::StrCat(host.ftas_active(), " of ", host.max_ftas()));
  fields.Add("Agents connected", absl::StrCat(host.agents_connected()));
  fields.Add("SR-IOV", OrDash(host.sriov_status()));
  if (!host.verbs_status().empty()) fields.Add("RDMA", host.verbs_status());
  if (host.vfs_managed() > 0) {
    fields.Add("VFs", absl::StrCat(host.vfs_used(), " used, ", host.vfs_free(), " free of ", host.vfs_managed(),
                                   " managed"));
  }
  fields.Add("State dir", OrDash(host.state_dir()));
  fields.Add("Control socket", OrDash(host.control_socket()));
  fields.Add("Agent endpoint", OrDash(host.agent_endpoint()));
  fields.Add("Started", FormatUnixMs(host.started_unix_ms(), options.zone));
  return fields.Render() + RenderPfSection(host.pfs());
}

std::string RenderFtaList(const google::protobuf::RepeatedPtrField<v1::Fta>& ftas,
                          const FormatOptions& options) {
  Table table({"ID", "KIND", "BACKEND", "STATE", "PID", "HOSTNAME", "VF", "IOR", "CONNECTED",
               "ERROR"});
  table.AlignRight(4);
  for (const v1::Fta& fta : ftas) {
    table.AddRow({fta.id(), FtaKindName(fta.kind()), OrDash(BackendName(fta.backend())),
                  FtaStateName(fta.state()), OrDash(fta.pid()), OrDash(fta.hostname()),
                  OrDash(fta.vf()), IorOf(fta), FormatUnixMs(fta.connected_unix_ms(), options.zone),
                  OrDash(fta.last_error())});
  }
  return table.Render();
}

std::string RenderFtaDetail(const v1::Fta& fta, const FormatOptions& options) {
  FieldList fields;
  fields.Add("ID", fta.id());
  fields.Add("Kind", FtaKindName(fta.kind()));
  fields.Add("Backend", OrDash(BackendName(fta.backend())));
  fields.Add("State", FtaStateName(fta.state()));
  fields.Add("PID", OrDash(fta.pid()));
  fields.Add("Hostname", OrDash(fta.hostname()));
  fields.Add("VF", OrDash(fta.vf()));
  if (!fta.degraded().empty()) fields.Add("Degraded", fta.degraded());
  fields.Add("Agent version", OrDash(fta.agent_version()));
  fields.Add("IOR", fta.ior_path().empty() ? "- (built-in engine only)"
                                           : absl::StrCat(fta.ior_path(), " ",
                                                          OrDash(fta.ior_version())));
  fields.Add("Created", FormatUnixMs(fta.created_unix_ms(), options.zone));
  fields.Add("Connected", FormatUnixMs(fta.connected_unix_ms(), options.zone));
  fields.Add("Last heartbeat", FormatUnixMs(fta.last_heartbeat_unix_ms(), options.zone));
  fields.Add("Last error", OrDash(fta.last_error()));
  return fields.Render();
}

std::string RenderReleased(const v1::ReleaseFtasResponse& response) {
  if (response.released().empty()) return "nothing released\n";
  std::string out;
  for (const std::string& id : response.released()) absl::StrAppend(&out, "released ", id, "\n");
  return out;
}

double MeanBandwidthMib(const v1::Job& job, v1::Phase phase) {
  for (const v1::PhaseSummary& summary : job.summaries()) {
    if (summary.phase() == phase && summary.iterations() > 0) return summary.mean_mib();
  }
  double sum = 0;
  int count = 0;
  for (const v1::PhaseAggregate& aggregate : job.aggregates()) {
    if (aggregate.phase() != phase) continue;
    sum += aggregate.bandwidth_mib();
    ++count;
  }
  return count == 0 ? -1 : sum / count;
}

std::string RenderJobList(const google::protobuf::RepeatedPtrField<v1::Job>& jobs,
                          const FormatOptions& options) {
  Table table({"ID", "STATE", "FTAS", "XFER", "BLOCK", "ITER", "WRITE_MiB/s", "READ_MiB/s",
               "CREATED"});
  for (size_t column : {2, 5, 6, 7}) table.AlignRight(column);
  auto rate = [](double mib) { return mib < 0 ? std::string("-") : FormatRate(mib); };
  for (const v1::Job& job : jobs) {
    int64_t iterations = job.spec().iterations() > 0 ? job.spec().iterations() : 1;
    table.AddRow({job.id(), JobStateName(job.state()), absl::StrCat(job.agents_size()),
                  FormatSpecSize(job.transfer_size_bytes(), job.spec().transfer_size()),
                  FormatSpecSize(job.block_size_bytes(), job.spec().block_size()),
                  absl::StrCat(iterations), rate(MeanBandwidthMib(job, v1::PHASE_WRITE)),
                  rate(MeanBandwidthMib(job, v1::PHASE_READ)),
                  FormatUnixMs(job.created_unix_ms(), options.zone)});
  }
  return table.Render();
}

}  // namespace fta::cli
